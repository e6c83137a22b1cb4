import type { Db } from '../../lib/db';
import { ROUTES } from '../../lib/http/routes';
import { addDays } from '../../lib/time/day';
import { BENCH_RULE } from './scale-build';
import { logStep, percentile } from './scale-log';

/** Real ids from the database for the dynamic segments, and the period the query strings name. */
export type PageIds = {
  week: string; from: string; to: string; classId: number; stage: string; rollout: string; host: string; service: string;
  classRuleId: number; admissionRuleId: string; digestMessageId: number;
};

export type PageUrl = { route: string; url: string; signedIn: boolean };
export type PageFigures = PageUrl & { median: number; p95: number };

/** Loads before timing: the first renders compile and fill caches, which a user sees once. */
const WARM_UP_LOADS = 3;
/** Days of the "quarter" ranges (/stages and the place pages allow at most 92). */
const RANGE_DAYS = 90;

/** The ids behind the top-ranked class of `week`: its newest failure gives the stage, rollout, host and service. */
export async function collectPageIds(db: Db, week: string, end: string): Promise<PageIds> {
  const top = await db.prisma.rankingEntry.findFirst({ where: { snapshot: { week } }, orderBy: { rank: 'asc' } });
  if (!top) throw new Error(`${week} has no ranked class: the classify phase ranked nothing`);
  const event = await db.prisma.errorEvent.findFirstOrThrow({ where: { errorClassId: top.classId }, orderBy: { day: 'desc' } });
  const rule = await db.prisma.classRule.findFirstOrThrow({ where: { errorClass: { name: BENCH_RULE.name } } });
  const admission = await db.prisma.admissionRule.findFirstOrThrow({ where: { active: true }, orderBy: { id: 'asc' } });
  const message = await db.prisma.digestMessage.findFirstOrThrow({ where: { week }, orderBy: { id: 'asc' } });
  return {
    week, from: addDays(end, -RANGE_DAYS), to: addDays(end, -1), classId: top.classId, stage: event.stageKey, rollout: event.rolloutId,
    host: event.host ?? '', service: event.service, classRuleId: rule.id, admissionRuleId: admission.id, digestMessageId: message.id,
  };
}

/**
 * The URLs loaded per page route of ROUTES: each route bare (dynamic segments filled with real ids)
 * and with the query strings people use most (a week, a quarter, 52 weeks of trends). Throws for a
 * page route it has no URL for, so a new page cannot be left out of the benchmark silently.
 */
export function buildPageUrls(ids: PageIds): PageUrl[] {
  const e = encodeURIComponent;
  const quarter = `from=${ids.from}&to=${ids.to}`;
  const urls: Record<string, string[]> = {
    '/': ['/'],
    '/errors': ['/errors', `/errors?week=${ids.week}`, `/errors?${quarter}`],
    '/errors/[id]': [`/errors/${ids.classId}`, `/errors/${ids.classId}?week=${ids.week}`],
    '/errors/rules': ['/errors/rules'],
    '/errors/rules/new': ['/errors/rules/new', `/errors/rules/new?class=${ids.classId}`],
    '/errors/rules/[id]': [`/errors/rules/${ids.classRuleId}`],
    '/trends': ['/trends', '/trends?weeks=52'],
    '/stages': ['/stages', `/stages?${quarter}`],
    '/stages/[key]': [`/stages/${e(ids.stage)}`, `/stages/${e(ids.stage)}?${quarter}`],
    '/admission': ['/admission', '/admission?week=all'],
    '/admission/[id]': [`/admission/${e(ids.admissionRuleId)}`],
    '/quarantine': ['/quarantine'],
    '/rollouts/[id]': [`/rollouts/${e(ids.rollout)}`],
    '/hosts/[host]': [`/hosts/${e(ids.host)}`, `/hosts/${e(ids.host)}?${quarter}`],
    '/services/[name]': [`/services/${e(ids.service)}`, `/services/${e(ids.service)}?${quarter}`],
    '/search': [`/search?q=${e(ids.service)}`],
    '/digests': ['/digests', `/digests?week=${ids.week}`],
    '/digests/[id]': [`/digests/${ids.digestMessageId}`],
    '/settings': ['/settings'],
    '/account': ['/account'],
    '/forbidden': ['/forbidden?need=admin'],
    '/login': ['/login'],
    '/login/link': ['/login/link'],
  };
  // Signed in, the sign-in pages redirect: they are timed as a visitor sees them.
  const anonymous = new Set(['/login', '/login/link']);
  return ROUTES.filter((r) => r.kind === 'page').flatMap((r) => {
    const list = urls[r.path];
    if (!list) throw new Error(`bench:scale has no URL for the page route ${r.path}: add it to test/bench/scale-pages.ts`);
    return list.map((url) => ({ route: r.path, url, signedIn: !anonymous.has(r.path) }));
  });
}

/** Loads each URL WARM_UP_LOADS + `loads` times in turn and times the last `loads`; any answer but 200 fails the run. */
export async function timePages(deps: { origin: string; cookie: string; urls: PageUrl[]; loads: number }): Promise<PageFigures[]> {
  const results: PageFigures[] = [];
  for (const page of deps.urls) {
    const times: number[] = [];
    for (let i = 0; i < WARM_UP_LOADS + deps.loads; i += 1) {
      const started = performance.now();
      const res = await fetch(`${deps.origin}${page.url}`, { headers: page.signedIn ? { cookie: deps.cookie } : {}, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`page ${page.url} answered ${res.status}${res.headers.get('location') ? ` (to ${res.headers.get('location')})` : ''}`);
      if (i >= WARM_UP_LOADS) times.push(performance.now() - started);
    }
    const figures = { ...page, median: percentile(times, 50), p95: percentile(times, 95) };
    logStep('pages', `${page.url}: median ${figures.median.toFixed(0)} ms, p95 ${figures.p95.toFixed(0)} ms`);
    results.push(figures);
  }
  return results;
}

export function formatPageTable(results: PageFigures[]): string {
  const rows = results.map((r) => `| ${r.url} | ${r.median.toFixed(1)} | ${r.p95.toFixed(1)} |`);
  return ['| page | median ms | p95 ms |', '| --- | --- | --- |', ...rows].join('\n');
}
