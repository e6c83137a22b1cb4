import { redirect } from 'next/navigation';
import { z } from 'zod';
import { safeNextPath } from '../../lib/auth/next-path';
import { currentUser } from '../_lib/auth';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';

// `next` is anyone's to set: only a path on this site is kept (anything else, repeated ones too, is "/").
const loginSearchSchema = z.object({ next: z.unknown().optional().transform((next) => safeNextPath(next)) });

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { next } = loginSearchSchema.parse(await searchParams);
  if (await currentUser()) redirect(next);
  return <LoginForm next={next} />;
}
