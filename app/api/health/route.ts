import { getDb } from '../../../lib/db';

export const dynamic = 'force-dynamic';

// GET /api/health — liveness for load balancers and the quick start: the database answers.
export async function GET(): Promise<Response> {
  const db = await getDb();
  await db.prisma.$queryRawUnsafe('SELECT 1');
  return Response.json({ ok: true, database: db.kind });
}
