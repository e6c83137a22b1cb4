import { requireUser } from '../../_lib/auth';

export const dynamic = 'force-dynamic';

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<{ need?: string }> }) {
  const user = await requireUser('viewer', '/');
  const { need } = await searchParams;
  return (
    <section className="panel empty">
      <h1>Not allowed</h1>
      <p className="subtle">That page needs the {typeof need === 'string' ? need : 'a higher'} role; you are signed in as {user.email} ({user.role}). Ask an admin for access.</p>
      <p><a href="/">Back to the overview</a></p>
    </section>
  );
}
