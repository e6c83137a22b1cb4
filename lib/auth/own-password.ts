import type { z } from 'zod';
import type { Db } from '../db';
import { ValidationError } from '../errors';
import { fieldsOrThrow } from '../http/params';
import { UNKNOWN_CLIENT } from './client-address';
import { hashPassword, verifyPassword } from './passwords';
import { sessionIdOf } from './sessions';
import { admitSignIn, attemptKey, recordSignInSuccess } from './sign-in-attempts';
import { recordUserChange } from './user-changes';
import { ownPasswordSchema } from './user-schemas';

export type OwnPasswordChange = z.input<typeof ownPasswordSchema> & {
  userId: number;
  /** The session the change is made from: it stays, every other session of the user ends. */
  sessionToken: string | undefined;
  client?: string;
  now?: Date;
};

/**
 * A user changes their own password (/account). The current password is checked under the sign-in
 * throttle, as a sign-in of the account would be, so a left-open session cannot be used to guess it.
 */
export async function changeOwnPassword(db: Db, input: OwnPasswordChange): Promise<void> {
  const data = fieldsOrThrow(ownPasswordSchema, input);
  const now = input.now ?? new Date();
  const user = await db.prisma.user.findUnique({ where: { id: input.userId } });
  if (!user || user.disabledAt) throw new ValidationError('this account is disabled');
  if (!user.passwordHash) {
    throw new ValidationError('current: your account has no password here (you sign in through a proxy, or it was reset)');
  }
  const attemptId = await admitSignIn(db, attemptKey(user.email, input.client ?? UNKNOWN_CLIENT), now);
  const right = await verifyPassword(data.current, user.passwordHash);
  if (!right) throw new ValidationError('current: is not your current password');
  await recordSignInSuccess(db, attemptId);
  if (data.current === data.password) throw new ValidationError('password: is your current password; choose a new one');
  const passwordHash = await hashPassword(data.password);
  const keep = input.sessionToken ? sessionIdOf(input.sessionToken) : '';
  await db.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordSetAt: now } });
    await tx.session.deleteMany({ where: { userId: user.id, id: { not: keep } } });
    await tx.signInLink.deleteMany({ where: { userId: user.id, usedAt: null } });
    await recordUserChange(tx, user.id, 'password', { via: 'own' }, { actor: user.email, now });
  });
}
