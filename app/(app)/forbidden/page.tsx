import { paramsOrThrow } from '../../../lib/http/params';
import { forbiddenPageSchema } from '../../../lib/http/page-schemas';
import { requireUser } from '../../_lib/auth';

export const dynamic = 'force-dynamic';

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser('viewer', '/');
  const { need } = paramsOrThrow(forbiddenPageSchema, await searchParams);
  return (
    <section className="panel empty">
      <h1>Not allowed</h1>
      <p className="subtle">That page needs the {need ?? 'a higher'} role; you are signed in as {user.email} ({user.role}). Ask an admin for access.</p>
      <p><a href="/">Back to the overview</a></p>
    </section>
  );
}
