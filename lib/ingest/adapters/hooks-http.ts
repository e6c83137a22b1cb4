import type { Settings } from '../../env';
import { UnauthorizedError, ValidationError, errorResponse } from '../../errors';
import { sameSecret } from '../../auth/ingest-tokens';
import { readBody } from '../http';
import { loadChainStageMap } from './chain-stage-map';
import { IngestAbortedError } from '../ingest';
import { adaptGithubEvent } from './github';
import { adaptGitlabEvent } from './gitlab';
import type { StageMap } from './stage-map';
import {
  NotConfiguredError, answerAdapted, hmacSha256Matches, parseJsonBody, type Adapted, type WebhookDeps,
} from './webhook';

/** GitHub caps webhook payloads at 25 MB; a workflow_job or GitLab job delivery is a few KB. */
const HOOK_MAX_BYTES = 25 * 1024 * 1024;

type HookDeps = WebhookDeps & { settings: WebhookDeps['settings'] & Pick<Settings, 'githubWebhookSecret' | 'gitlabWebhookToken'> };

type HookSpec = {
  /** Throws when the endpoint is not configured or the headers alone refuse it: before any body is read. */
  admit: (request: Request) => void;
  /** Throws when the delivery is not authentic. */
  verify: (request: Request, body: Buffer) => void;
  eventHeader: string;
  adapt: (event: string, payload: unknown, stages: StageMap) => Adapted;
};

/**
 * One webhook delivery: 404 when the endpoint's secret is not set, 413 past the body limit, 401 on a
 * bad signature or token, 400 on a body that is not JSON or not the event's shape (naming the field),
 * 202 with the reason for an event or action that stores nothing, else 200 with the ingestion summary.
 * The secret never appears in an answer or a log.
 */
async function handleHook(request: Request, deps: HookDeps, spec: HookSpec): Promise<Response> {
  try {
    spec.admit(request);
    const body = await readBody(request, Math.min(deps.settings.maxBodyBytes, HOOK_MAX_BYTES));
    spec.verify(request, body);
    const event = request.headers.get(spec.eventHeader)?.trim();
    if (!event) throw new ValidationError(`the ${spec.eventHeader} header is missing: it names the event`);
    const payload = parseJsonBody(body);
    const adapted = spec.adapt(event, payload, loadChainStageMap(deps.settings.chainFile));
    return await answerAdapted(deps, event, adapted);
  } catch (error) {
    // The database failed mid-way: what was stored stays; GitHub and GitLab redeliveries are then duplicates.
    if (error instanceof IngestAbortedError) {
      return Response.json({ error: error.message, summary: error.summary }, { status: 503, headers: { 'retry-after': '30' } });
    }
    return errorResponse(error);
  }
}

/** POST /api/hooks/github: workflow_job (and workflow_run) deliveries signed with X-Hub-Signature-256. */
export function handleGithubHook(request: Request, deps: HookDeps): Promise<Response> {
  return handleHook(request, deps, {
    eventHeader: 'x-github-event',
    admit: () => {
      if (!deps.settings.githubWebhookSecret) throw new NotConfiguredError('GitHub', 'GITHUB_WEBHOOK_SECRET');
    },
    verify: (req, body) => {
      if (!hmacSha256Matches(deps.settings.githubWebhookSecret!, body, req.headers.get('x-hub-signature-256'))) {
        const why = 'missing or invalid X-Hub-Signature-256: it must be the HMAC-SHA256 of the body with the configured secret';
        throw new UnauthorizedError(why, false);
      }
    },
    adapt: adaptGithubEvent,
  });
}

/** POST /api/hooks/gitlab: Pipeline Hook and Job Hook deliveries with the X-Gitlab-Token secret. */
export function handleGitlabHook(request: Request, deps: HookDeps): Promise<Response> {
  return handleHook(request, deps, {
    eventHeader: 'x-gitlab-event',
    // The token is a header: checked before the body is read, so strangers cannot make the server buffer one.
    verify: () => undefined,
    admit: (req) => {
      const token = deps.settings.gitlabWebhookToken;
      if (!token) throw new NotConfiguredError('GitLab', 'GITLAB_WEBHOOK_TOKEN');
      if (!sameSecret(req.headers.get('x-gitlab-token') ?? '', token)) {
        throw new UnauthorizedError('missing or invalid X-Gitlab-Token: it must be the secret token configured on the webhook', false);
      }
    },
    adapt: adaptGitlabEvent,
  });
}
