import { listOwnersOfUser } from '../../../../lib/auth/user-owners';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { errorResponse } from '../../../../lib/errors';
import { paramsOrThrow } from '../../../../lib/http/params';
import { weekJustEnding } from '../../../../lib/time/iso-week';
import { classFiltersSchema, listErrorClasses, type ClassRow } from '../../../../lib/triage/list-classes';
import { toCsv } from '../../../../lib/format-csv';
import { authorize } from '../../../_lib/auth';

export const dynamic = 'force-dynamic';

const COLUMNS = [
  'rank', 'id', 'class', 'badge', 'in80', 'failures', 'previousFailures', 'failedRollouts', 'uplift', 'upliftRollouts', 'upliftOf',
  'stage', 'category', 'owner', 'assignee', 'status',
];
// Weekly figures: empty cells where a ranking has none (date ranges, rankings stored before they existed).
const FIGURE_COLUMNS = [
  'expectedGain', 'expectedGainLow', 'expectedGainHigh', 'blockedRollouts', 'attemptsLost', 'timeLostMs', 'manualRetries', 'toilRank',
];
const rounded = (n: number | undefined) => (n === undefined ? null : Number(n.toFixed(4)));
const figures = ({ impact: i, toil: t, toilRank }: ClassRow) => [
  rounded(i?.expectedGain), rounded(i?.low), rounded(i?.high), i?.blockedRollouts, t?.attemptsLost, t?.timeLostMs, t?.manual, toilRank,
];

// GET /api/errors/export?week=…&stage=… — the error-class list with the page's filters, as CSV (signed-in users).
export async function GET(request: Request): Promise<Response> {
  try {
    const user = await authorize('viewer');
    const filters = paramsOrThrow(classFiltersSchema, new URL(request.url).searchParams);
    const db = await getDb();
    // `mine=1` exports what the list shows the same user: their owners' classes.
    const mine = filters.mine ? await listOwnersOfUser(db, user) : undefined;
    const rows = [];
    for (let page = 1; ; page += 1) {
      const list = await listErrorClasses(db, { ...filters, page }, { defaultWeek: weekJustEnding(Date.now(), getSettings().timeZone), mine });
      rows.push(...list.rows);
      if (page * list.pageSize >= list.total) break;
    }
    const csv = toCsv(
      [...COLUMNS, ...FIGURE_COLUMNS],
      rows.map((r) => [
        r.rank, r.id, r.title, r.badge, r.in80, r.failures, r.previousFailures, r.failedRollouts, r.uplift.toFixed(4), r.upliftRollouts, r.upliftOf,
        r.stage, r.category, r.ownerId, r.assigneeId, r.status,
        ...figures(r),
      ]),
    );
    return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="error-classes-${filters.week ?? 'latest'}.csv"` } });
  } catch (error) {
    return errorResponse(error);
  }
}
