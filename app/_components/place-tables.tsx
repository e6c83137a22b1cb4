import type { ReactNode } from 'react';
import { formatCount, formatPercent } from '../../lib/format';
import type { PlaceClassRow, PlaceRollout, PlaceStageRow, Ranked } from '../../lib/places/figures';
import { formatInstant, formatOutcome } from '../../lib/places/format';
import { serviceHref } from '../../lib/places/links';
import { RolloutLink } from './rollout-link';

/** The tables the host and service pages share: server components over plain lib data (violations: violation-table.tsx). */
const num = (n: number) => <td className="num">{formatCount(n)}</td>;

export function StageSuccessTable({ stages }: { stages: PlaceStageRow[] }) {
  if (stages.length === 0) return <p className="subtle">No stage runs in this period.</p>;
  return (
    <table data-table="stages">
      <thead>
        <tr>
          <th>Stage</th><th className="num">Attempts</th><th className="num">Failures</th><th className="num">Success</th><th className="num">First pass</th>
        </tr>
      </thead>
      <tbody>
        {stages.map((s) => (
          <tr key={s.key} data-stage={s.key}>
            <td><a href={`/stages/${s.key}`}>{s.name}</a></td>
            {num(s.attempts)}
            <td className={`num${s.failures > 0 ? ' down' : ''}`}>{formatCount(s.failures)}</td>
            <td className="num" title={`${formatCount(s.successes)} of ${formatCount(s.successes + s.failures)}`}>
              {formatPercent(s.successRate, 2)}
            </td>
            <td className="num" title={`${formatCount(s.firstSuccesses)} of ${formatCount(s.firstAttempts)} first attempts`}>
              {formatPercent(s.firstPassRate, 2)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ClassTable({ classes, failures, unclassified }: { classes: PlaceClassRow[]; failures: number; unclassified: number }) {
  if (failures === 0) return <p className="subtle">No failures in this period.</p>;
  const share = (n: number) => <td className="num">{formatPercent(n / failures)}</td>;
  return (
    <table data-table="classes">
      <thead><tr><th>Class</th><th>Status</th><th className="num">Failures</th><th className="num">Share</th></tr></thead>
      <tbody>
        {classes.map((c) => (
          <tr key={c.id} data-class={c.id}>
            <td><a href={`/errors/${c.id}`}>{c.title}</a></td><td>{c.status}</td>{num(c.failures)}{share(c.failures)}
          </tr>
        ))}
        {unclassified > 0 && <tr><td className="subtle">not classified yet</td><td />{num(unclassified)}{share(unclassified)}</tr>}
      </tbody>
    </table>
  );
}

/** Hosts of a service, or services on a host, by failures; each linked to its page for the same period. */
export function RankedTable({ rows, label, href }: { rows: Ranked[]; label: string; href: (name: string) => string }) {
  if (rows.length === 0) return <p className="subtle">None with failures in this period.</p>;
  return (
    <table data-table={label.toLowerCase()}>
      <thead><tr><th>{label}</th><th className="num">Failures</th></tr></thead>
      <tbody>{rows.map((r) => <tr key={r.name}><td className="mono"><a href={href(r.name)}>{r.name}</a></td>{num(r.failures)}</tr>)}</tbody>
    </table>
  );
}

export function RolloutTable({ rollouts, timeZone }: { rollouts: PlaceRollout[]; timeZone: string }) {
  if (rollouts.length === 0) return <p className="subtle">No rollouts in this period.</p>;
  return (
    <table data-table="rollouts">
      <thead>
        <tr>
          <th>Rollout</th><th>Service</th><th>Env</th><th>Outcome</th><th>Started</th><th className="num">Failed runs</th><th className="num">Manual</th>
        </tr>
      </thead>
      <tbody>
        {rollouts.map((r) => (
          <tr key={r.id}>
            <td><RolloutLink id={r.id} /></td>
            <td><a href={serviceHref(r.service)}>{r.service}</a></td>
            <td>{r.env}</td>
            <td className={r.outcome === 'failed' ? 'down' : undefined}>{formatOutcome(r.outcome)}</td>
            <td className="mono">{formatInstant(r.startedAt, timeZone)}</td>
            {num(r.failedRuns)}
            {num(r.manualCount)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A titled panel of a place page. */
export function Panel({ title, children }: { title: string; children: ReactNode }) {
  return <section className="panel"><h2>{title}</h2>{children}</section>;
}
