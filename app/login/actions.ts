'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { safeNextPath } from '../../lib/auth/next-path';
import { SESSION_COOKIE, signIn, signOut } from '../../lib/auth/sessions';
import { setPasswordWithLink } from '../../lib/auth/sign-in-links';
import { TooManySignInsError } from '../../lib/auth/throttle';
import { linkPasswordSchema } from '../../lib/auth/user-schemas';
import { getDb } from '../../lib/db';
import { HttpError } from '../../lib/errors';
import { describeIssues, issuesOf } from '../../lib/http/params';
import { currentClient, setSessionCookie } from '../_lib/auth';

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
  try {
    const { email: account, password } = parsed.data;
    const session = await signIn(await getDb(), { email: account, password, client: await currentClient() });
    await setSessionCookie(session);
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

export type LinkState = { error: string } | null;

/** The sign-in link's form: sets the password, uses up the link, signs in and goes to the overview. */
export async function setPasswordWithLinkAction(_: LinkState, form: FormData): Promise<LinkState> {
  const parsed = linkPasswordSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { error: describeIssues(issuesOf(parsed.error)) };
  try {
    const { token, password } = parsed.data;
    const session = await setPasswordWithLink(await getDb(), { token, password, client: await currentClient() });
    await setSessionCookie(session);
  } catch (error) {
    if (error instanceof HttpError) return { error: error.message };
    throw error;
  }
  redirect('/');
}
