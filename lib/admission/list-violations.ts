import type { Db } from '../db';

/** Violations per page of the admission pages: a page stays a screen or two high. */
export const VIOLATIONS_PER_PAGE = 20;
/** Linked rollouts listed per violation; the rest are counted. */
export const ROLLOUTS_SHOWN = 50;
/** Open first, then acknowledged, then resolved (any other status last). */
const STATUS_ORDER = ['open', 'acknowledged', 'resolved'];

const include = {
  rule: { select: { title: true, severity: true } },
  rollouts: { take: ROLLOUTS_SHOWN, orderBy: { rolloutId: 'asc' as const }, select: { rolloutId: true } },
  _count: { select: { rollouts: true } },
};

/**
 * One page of the violations (of a rule, or of all rules): open first, then acknowledged, then
 * resolved, the latest seen first within each, with up to ROLLOUTS_SHOWN linked rollouts each. A
 * page past the last shows the last. Counts: all, and open or acknowledged.
 */
export async function listViolations(db: Db, opts: { ruleId?: string; page: number; pageSize?: number }) {
  const where = opts.ruleId ? { ruleId: opts.ruleId } : {};
  const size = opts.pageSize ?? VIOLATIONS_PER_PAGE;
  const groups = await db.prisma.admissionViolation.groupBy({ by: ['status'], where, _count: { _all: true } });
  const rank = (s: string) => (STATUS_ORDER.includes(s) ? STATUS_ORDER.indexOf(s) : STATUS_ORDER.length);
  groups.sort((a, b) => rank(a.status) - rank(b.status) || a.status.localeCompare(b.status));
  const total = groups.reduce((n, g) => n + g._count._all, 0);
  const open = groups.filter((g) => g.status === 'open' || g.status === 'acknowledged').reduce((n, g) => n + g._count._all, 0);
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(1, opts.page), pages);
  let skip = (page - 1) * size;
  let take = size;
  const violations = [];
  for (const g of groups) {
    if (take === 0) break;
    if (skip >= g._count._all) {
      skip -= g._count._all;
      continue;
    }
    const orderBy = [{ lastSeen: 'desc' as const }, { id: 'desc' as const }];
    const rows = await db.prisma.admissionViolation.findMany({ where: { ...where, status: g.status }, orderBy, skip, take, include });
    violations.push(...rows);
    take -= rows.length;
    skip = 0;
  }
  return { violations, total, open, page, pages, pageSize: size };
}
