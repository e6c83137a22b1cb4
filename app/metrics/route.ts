import { verifyMetricsAccess } from '../../lib/auth/ingest-tokens';
import { getDb } from '../../lib/db';
import { getSettings } from '../../lib/env';
import { errorResponse } from '../../lib/errors';
import { renderMetrics } from '../../lib/metrics/prometheus';

export const dynamic = 'force-dynamic';

// GET /metrics — Prometheus text format, read from the rollups at scrape time (lib/metrics/prometheus.ts).
export async function GET(request: Request): Promise<Response> {
  try {
    const db = await getDb();
    const settings = getSettings();
    await verifyMetricsAccess(db, settings.metricsToken, request.headers.get('authorization'));
    const { body, contentType } = await renderMetrics(db, { timeZone: settings.timeZone, retentionDays: settings.retentionDays });
    return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}
