'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { SESSION_COOKIE, signIn, signOut } from '../../lib/auth/sessions';
import { getDb } from '../../lib/db';
import { getSettings } from '../../lib/env';
import { HttpError } from '../../lib/errors';

const loginSchema = z.object({ email: z.string().min(1, 'enter your e-mail'), password: z.string().min(1, 'enter your password'), next: z.string().default('/') });

// Only paths of this site: an absolute or protocol-relative "next" would send people elsewhere.
const safeNext = (next: string) => (next.startsWith('/') && !next.startsWith('//') ? next : '/');

export type LoginState = { error: string; email: string } | null;

export async function loginAction(_: LoginState, form: FormData): Promise<LoginState> {
  const parsed = loginSchema.safeParse(Object.fromEntries(form));
  const email = String(form.get('email') ?? '');
  if (!parsed.success) return { error: parsed.error.issues[0]!.message, email };
  try {
    const session = await signIn(await getDb(), parsed.data.email, parsed.data.password);
    (await cookies()).set(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: getSettings().baseUrl.startsWith('https:'),
      path: '/',
      expires: session.expiresAt,
    });
  } catch (error) {
    if (error instanceof HttpError) return { error: error.message, email };
    throw error;
  }
  redirect(safeNext(parsed.data.next));
}

export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  await signOut(await getDb(), jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect('/login');
}
