import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { handleOtlpTracesRequest } from '../../../lib/ingest/adapters/otlp-http';

export const dynamic = 'force-dynamic';

// POST /v1/traces — OTLP/HTTP trace export (OpenTelemetry CI/CD spans) with a bearer ingest token.
export async function POST(request: Request): Promise<Response> {
  return handleOtlpTracesRequest(request, { db: await getDb(), settings: getSettings() });
}
