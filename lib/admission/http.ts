import { verifyIngestToken } from '../auth/ingest-tokens';
import type { Db } from '../db';
import type { Settings } from '../env';
import { ValidationError, errorResponse } from '../errors';
import { readBody } from '../ingest/http';
import { admissionPolicyOf } from './config';
import { preflightCheck, preflightRequestSchema, recordPreflight } from './preflight';

type Deps = { db: Db; settings: Pick<Settings, 'ingestTokens' | 'admissionFile' | 'timeZone'>; now?: Date };

// 10,000 hosts of 64 characters fit several times over.
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * POST /api/admission/check: a JSON body { service, env, hosts, image, stages } authorised by an
 * ingest token; answers 200 with the decision (allow or deny), the rules that denied or warned and
 * why, and every rule's result. The check is recorded (its id is in the answer).
 */
export async function handlePreflightRequest(request: Request, deps: Deps): Promise<Response> {
  try {
    const token = await verifyIngestToken(deps.db, deps.settings.ingestTokens, request.headers.get('authorization'));
    const text = (await readBody(request, MAX_BODY_BYTES)).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new ValidationError(`body is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = preflightRequestSchema.safeParse(body);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', reason: i.message }));
      throw new ValidationError(`invalid pre-flight request: ${details.map((d) => `${d.field}: ${d.reason}`).join('; ')}`, details);
    }
    const now = deps.now ?? new Date();
    const answer = await preflightCheck({ db: deps.db, policy: admissionPolicyOf(deps.settings.admissionFile), now, timeZone: deps.settings.timeZone }, parsed.data);
    const id = await recordPreflight(deps.db, token, parsed.data, answer, now);
    return Response.json({ id, ...answer });
  } catch (error) {
    return errorResponse(error);
  }
}
