import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { handleGitlabHook } from '../../../../lib/ingest/adapters/hooks-http';

export const dynamic = 'force-dynamic';

// POST /api/hooks/gitlab — GitLab Pipeline Hook / Job Hook deliveries with GITLAB_WEBHOOK_TOKEN as X-Gitlab-Token.
export async function POST(request: Request): Promise<Response> {
  return handleGitlabHook(request, { db: await getDb(), settings: getSettings() });
}
