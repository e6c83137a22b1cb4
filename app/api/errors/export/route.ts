import { getDb } from '../../../../lib/db';
import { errorResponse } from '../../../../lib/errors';
import { paramsOrThrow } from '../../../../lib/http/params';
import { classFiltersSchema, listErrorClasses } from '../../../../lib/triage/list-classes';
import { toCsv } from '../../../../lib/format-csv';
import { authorize } from '../../../_lib/auth';

export const dynamic = 'force-dynamic';

// GET /api/errors/export?week=…&stage=… — the error-class list with the page's filters, as CSV (signed-in users).
export async function GET(request: Request): Promise<Response> {
  try {
    await authorize('viewer');
    const filters = paramsOrThrow(classFiltersSchema, new URL(request.url).searchParams);
    const db = await getDb();
    const rows = [];
    for (let page = 1; ; page += 1) {
      const list = await listErrorClasses(db, { ...filters, page });
      rows.push(...list.rows);
      if (page * list.pageSize >= list.total) break;
    }
    const csv = toCsv(
      ['rank', 'id', 'class', 'badge', 'in80', 'failures', 'previousFailures', 'failedRollouts', 'uplift', 'upliftRollouts', 'upliftOf', 'stage', 'category', 'owner', 'assignee', 'status'],
      rows.map((r) => [r.rank, r.id, r.title, r.badge, r.in80, r.failures, r.previousFailures, r.failedRollouts, r.uplift.toFixed(4), r.upliftRollouts, r.upliftOf, r.stage, r.category, r.ownerId, r.assigneeId, r.status]),
    );
    return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="error-classes-${filters.week ?? 'latest'}.csv"` } });
  } catch (error) {
    return errorResponse(error);
  }
}
