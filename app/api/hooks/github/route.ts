import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { handleGithubHook } from '../../../../lib/ingest/adapters/hooks-http';

export const dynamic = 'force-dynamic';

// POST /api/hooks/github — GitHub Actions workflow_job / workflow_run deliveries, signed with GITHUB_WEBHOOK_SECRET.
export async function POST(request: Request): Promise<Response> {
  return handleGithubHook(request, { db: await getDb(), settings: getSettings() });
}
