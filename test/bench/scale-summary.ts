import type { ClassifyFigures } from './scale-classify';
import type { JobFigures } from './scale-jobs';
import { formatCount, formatMb, formatSeconds } from './scale-log';
import type { BuildState } from './scale-marker';
import type { WebFigures } from './scale-web';

/** Issue #14's targets at 50M stage runs on PostgreSQL. */
const PAGE_P95_MS = 300;
const DIGEST_SECONDS = 120;
const NIGHTLY_SECONDS = 300;
const INGEST_RSS_BYTES = 500 * 1024 * 1024;

type Row = { figure: string; measured: string; target: string; met: boolean | null };

export type ScaleFigures = { build: BuildState; classify: ClassifyFigures; jobs: JobFigures; web: WebFigures };

function buildRows(f: ScaleFigures): Row[] {
  const { build, classify, jobs, web } = f;
  const slowest = web.pages.reduce((a, p) => (p.p95 > a.p95 ? p : a));
  const rows: Row[] = [
    { figure: `ingest (build), ${formatCount(build.records)} records`, measured: `${formatCount(build.records / build.ingestSeconds)} records/s`, target: '', met: null },
    { figure: 'ingest peak RSS', measured: formatMb(build.peakRssBytes), target: '< 500 MB', met: build.peakRssBytes < INGEST_RSS_BYTES },
    { figure: `classify per week (${classify.weeks} weeks) min / median / max`, measured: `${classify.min.toFixed(1)} / ${classify.median.toFixed(1)} / ${classify.max.toFixed(1)} s`, target: '', met: null },
    { figure: 'classify peak RSS', measured: formatMb(classify.peakRssBytes), target: '', met: null },
    ...web.pages.filter((p) => p.p95 >= PAGE_P95_MS).map((p) => ({ figure: `page ${p.url} p95`, measured: `${p.p95.toFixed(0)} ms`, target: `< ${PAGE_P95_MS} ms`, met: false })),
    { figure: `slowest page p95 (${slowest.url}) of ${web.pages.length}`, measured: `${slowest.p95.toFixed(0)} ms`, target: `< ${PAGE_P95_MS} ms`, met: slowest.p95 < PAGE_P95_MS },
    { figure: 'web server peak RSS', measured: formatMb(web.serverPeakRssBytes), target: '', met: null },
    { figure: `Friday digest (${jobs.digest.messages} messages)`, measured: formatSeconds(jobs.digest.seconds), target: '< 2 min', met: jobs.digest.seconds < DIGEST_SECONDS },
    { figure: 'digest peak RSS', measured: formatMb(jobs.digest.peakRssBytes), target: '', met: null },
  ];
  if (jobs.firstCheck) {
    rows.push({ figure: 'first admission check (every day judged)', measured: formatSeconds(jobs.firstCheck.seconds), target: '', met: null });
    rows.push({ figure: 'first admission check peak RSS', measured: formatMb(jobs.firstCheck.peakRssBytes), target: '', met: null });
  }
  rows.push({ figure: 'nightly admission check', measured: formatSeconds(jobs.nightlyCheck.seconds), target: '< 5 min', met: jobs.nightlyCheck.seconds < NIGHTLY_SECONDS });
  rows.push({ figure: 'nightly admission check peak RSS', measured: formatMb(jobs.nightlyCheck.peakRssBytes), target: '', met: null });
  return rows;
}

/** The final table (markdown) and a last line saying which targets were missed, if any. */
export function formatSummary(f: ScaleFigures): string {
  const rows = buildRows(f);
  const lines = ['| figure | measured | target | |', '| --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.figure} | ${r.measured} | ${r.target || '—'} | ${r.met === null ? '' : r.met ? 'met' : '**MISSED**'} |`);
  const missed = rows.filter((r) => r.met === false).map((r) => r.figure);
  lines.push('', missed.length ? `TARGETS MISSED (${missed.length}): ${missed.join('; ')}` : 'All targets met.');
  return lines.join('\n');
}
