import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { handleIngestRequest } from '../../../lib/ingest/http';

export const dynamic = 'force-dynamic';

// POST /api/ingest — machines push rollout records (NDJSON, JSON array or CSV) with a bearer token.
export async function POST(request: Request): Promise<Response> {
  return handleIngestRequest(request, { db: await getDb(), settings: getSettings() });
}
