import { redirect } from 'next/navigation';
import { currentUser } from '../_lib/auth';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  if (await currentUser()) redirect(next ?? '/');
  return <LoginForm next={typeof next === 'string' ? next : '/'} />;
}
