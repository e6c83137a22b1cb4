import { getAdmissionOverview } from '../../../lib/admission/pages';
import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import type { OutcomePeriod } from '../../../lib/admission/outcomes';
import { paramsOrThrow } from '../../../lib/http/params';
import { admissionPageSchema } from '../../../lib/http/admission-schemas';
import { addDays, dayInZone } from '../../../lib/time/day';
import { requireUser } from '../../_lib/auth';
import { OutcomeTable } from './outcome-table';
import { SubjectLink } from './subject-link';
import { ViolationPager } from './violation-pager';

export const dynamic = 'force-dynamic';
const day = (d: Date) => d.toISOString().slice(0, 10);
const time = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

const RECENT_DAYS = 28;

/** `?week=2026-W47`, `?week=all`, or by default the last 28 days (a bad week was answered with 400 by proxy.ts). */
function toPeriod(week: string | undefined, timeZone: string): OutcomePeriod {
  if (week === 'all') return {};
  if (week !== undefined) return { week };
  const today = dayInZone(Date.now(), timeZone);
  return { days: { from: addDays(today, -(RECENT_DAYS - 1)), to: today } };
}

function periodLabel(period: OutcomePeriod): string {
  if (period.week) return `week ${period.week}`;
  if (period.days) return `last ${RECENT_DAYS} days, ${period.days.from} – ${period.days.to}`;
  return 'all rollouts';
}

export default async function AdmissionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser('viewer', '/admission');
  const { timeZone } = getSettings();
  const { week, page } = paramsOrThrow(admissionPageSchema, await searchParams);
  const period = toPeriod(week, timeZone);
  const data = await getAdmissionOverview(await getDb(), { period, timeZone, page });
  const pageHref = (p: number) => `/admission?${week ? `week=${week}&` : ''}page=${p}#latest`;
  const { rules, violations, weeks, outcomes } = data;
  return (
    <>
      <h1>Admission rules · {periodLabel(period)}</h1>
      <p className="subtle">The entry rules every system and rollout must satisfy — the “manual” of the container platform — where they were broken, and what breaking them cost.</p>
      {rules.length === 0 ? (
        <section className="panel empty">
          <h2>No admission rules are loaded yet</h2>
          <p className="subtle">Rules are read from the admission rules file (README, “Admission rules”) and evaluated by the scheduler every night (ADMISSION_CRON). Run <code>npm run admission:check</code> to load and evaluate them now; this page then lists each rule with its open violations and evidence.</p>
        </section>
      ) : (
        <>
          <section className="panel">
            <table>
              <thead><tr><th>Rule</th><th>Severity</th><th>Mode</th><th>Scope</th><th>Owner</th><th className="num">Open violations</th></tr></thead>
              <tbody>{rules.map((r) => <tr key={r.id}><td><a href={`/admission/${encodeURIComponent(r.id)}`}>{r.title}</a>{r.active ? null : <span className="badge"> inactive</span>}</td><td>{r.severity}</td><td>{r.mode}</td><td>{r.scope}</td><td>{r.owner ?? '–'}</td><td className="num">{r.open}</td></tr>)}</tbody>
            </table>
          </section>
          <section className="panel" id="outcomes">
            <h2>Outcomes — {outcomes.days ? `${outcomes.week ?? `last ${RECENT_DAYS} days`} (${outcomes.days.from} to ${outcomes.days.to})` : 'all stored rollouts'}: {outcomes.rollouts.toLocaleString('en-US')} finished, {outcomes.failed.toLocaleString('en-US')} failed</h2>
            <p className="subtle">
              Period: <a href="/admission#outcomes">last {RECENT_DAYS} days</a>{weeks.slice().reverse().map((w) => <span key={w}> · <a href={`/admission?week=${w}#outcomes`}>{w}</a></span>)} · <a href="/admission?week=all#outcomes">all</a>
            </p>
            <OutcomeTable rules={outcomes.rules} />
          </section>
          <section className="panel">
            <h2>Violations per week</h2>
            {data.byRule.length === 0 ? <p className="subtle">No violation was seen in the last {weeks.length} weeks.</p> : (
              <table>
                <thead><tr><th>Rule / owner</th>{weeks.map((w) => <th key={w} className="num">{w.slice(5)}</th>)}</tr></thead>
                <tbody>
                  {data.byRule.map((r) => <tr key={`rule-${r.id}`}><td><a href={`/admission/${encodeURIComponent(r.id)}`}>{r.id}</a></td>{r.counts.map((c, i) => <td key={i} className="num">{c || ''}</td>)}</tr>)}
                  {data.byOwner.map((r) => <tr key={`owner-${r.id}`}><td><span className="subtle">owner</span> {r.id}</td>{r.counts.map((c, i) => <td key={i} className="num">{c || ''}</td>)}</tr>)}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
      {violations.length > 0 && (
        <section className="panel" id="latest">
          <h2>Latest violations, open first</h2>
          <ViolationPager {...data.violationPage} href={pageHref} />
          <table>
            <thead><tr><th>Rule</th><th>Subject</th><th>Status</th><th>First seen</th><th>Last seen</th><th className="num">Count</th></tr></thead>
            <tbody>{violations.map((v) => <tr key={v.id}><td><a href={`/admission/${encodeURIComponent(v.ruleId)}#v${v.id}`}>{v.rule}</a></td><td><SubjectLink type={v.subjectType} id={v.subjectId} /></td><td>{v.status}</td><td>{day(v.firstSeen)}</td><td>{day(v.lastSeen)}</td><td className="num">{v.count}</td></tr>)}</tbody>
          </table>
        </section>
      )}
      <section className="panel">
        <h2>Latest pre-flight checks</h2>
        {data.preflights.length === 0 ? (
          <p className="subtle">No pipeline has asked yet. Pipelines call <code>POST /api/admission/check</code> with an ingest token before a rollout starts (README, “Pre-flight check”).</p>
        ) : (
          <table>
            <thead><tr><th>At (UTC)</th><th>Service</th><th>Env</th><th className="num">Hosts</th><th>Image</th><th>Decision</th><th>Rules not passed</th><th>Token</th></tr></thead>
            <tbody>{data.preflights.map((p) => <tr key={p.id}><td>{time(p.at)}</td><td>{p.service}</td><td>{p.env}</td><td className="num">{p.hosts}</td><td className="mono">{p.image ?? '–'}</td><td className={p.decision === 'deny' ? 'down' : undefined}>{p.decision}</td><td>{p.failed.map((f) => `${f.rule} (${f.result})`).join(', ') || '–'}</td><td>{p.token}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    </>
  );
}
