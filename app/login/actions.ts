'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { resolveClientAddress } from '../../lib/auth/client-address';
import { safeNextPath } from '../../lib/auth/next-path';
import { SESSION_COOKIE, signIn, signOut } from '../../lib/auth/sessions';
import { TooManySignInsError } from '../../lib/auth/throttle';
import { getDb } from '../../lib/db';
import { getSettings } from '../../lib/env';
import { HttpError } from '../../lib/errors';

const loginSchema = z.object({
  email: z.string().trim().min(1, 'enter your e-mail').max(320, 'an e-mail address has at most 320 characters'),
  password: z.string().min(1, 'enter your password').max(1024, 'a password has at most 1024 characters'),
  next: z.string().default('/'),
});

/** `retryAt` (ISO time) when sign-in is throttled: the form says when to try again. */
export type LoginState = { error: string; email: string; retryAt?: string } | null;

export async function loginAction(_: LoginState, form: FormData): Promise<LoginState> {
  const parsed = loginSchema.safeParse(Object.fromEntries(form));
  const email = String(form.get('email') ?? '').slice(0, 320);
  if (!parsed.success) return { error: parsed.error.issues[0]!.message, email };
  const client = resolveClientAddress((await headers()).get('x-forwarded-for'), getSettings().trustedProxyHops);
  try {
    const session = await signIn(await getDb(), { email: parsed.data.email, password: parsed.data.password, client });
    (await cookies()).set(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: getSettings().baseUrl.startsWith('https:'),
      path: '/',
      expires: session.expiresAt,
    });
  } catch (error) {
    if (error instanceof TooManySignInsError) return { error: error.message, email, retryAt: error.retryAt.toISOString() };
    if (error instanceof HttpError) return { error: error.message, email };
    throw error;
  }
  redirect(safeNextPath(parsed.data.next));
}

export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  await signOut(await getDb(), jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect('/login');
}
