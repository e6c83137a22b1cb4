import { handlePreflightRequest } from '../../../../lib/admission/http';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';

export const dynamic = 'force-dynamic';

// POST /api/admission/check — the pre-flight check: may this rollout start? (bearer ingest token)
export async function POST(request: Request): Promise<Response> {
  return handlePreflightRequest(request, { db: await getDb(), settings: getSettings() });
}
