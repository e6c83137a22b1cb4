import { Fragment } from 'react';
import { formatDuration } from '../../../../lib/format';
import { formatInstant } from '../../../../lib/places/format';
import { hostHref } from '../../../../lib/places/links';
import type { AttemptView, StageState, StageView } from '../../../../lib/places/rollout-detail';
import styles from './pipeline.module.css';

const STATE_CLASS: Record<StageState, string | undefined> = {
  succeeded: styles.succeeded, failed: styles.failed, skipped: styles.skipped,
  'not-reached': styles.notReached, 'not-run': styles.notRun,
};
const STATE_TEXT: Record<StageState, string> = {
  succeeded: 'succeeded', failed: 'failed', skipped: 'skipped', 'not-reached': 'not reached', 'not-run': 'no run',
};

/** "succeeded after 2 retries", "failed (3 attempts)", or the state alone. */
function summary(s: StageView): string {
  const n = s.attempts.length;
  if (n <= 1) return STATE_TEXT[s.state];
  if (s.state === 'succeeded') return `succeeded after ${n - 1} ${n === 2 ? 'retry' : 'retries'}`;
  return `${STATE_TEXT[s.state]} (${n} attempts)`;
}

/** The chain at a glance: one box per stage in order, coloured by its outcome, each a link to its row below. */
export function ChainStrip({ stages }: { stages: StageView[] }) {
  return (
    <nav className={styles.strip} aria-label="Chain">
      {stages.map((s) => (
        <a key={s.key} href={`#stage-${s.key}`} className={STATE_CLASS[s.state]} title={`${s.name}: ${summary(s)}`}>
          {s.name}<span>{s.attempts.length > 1 ? `×${s.attempts.length}` : STATE_TEXT[s.state]}</span>
        </a>
      ))}
    </nav>
  );
}

function ClassOf({ a }: { a: AttemptView }) {
  if (!a.errorClass) return <span className="subtle">not classified yet</span>;
  return <a href={`/errors/${a.errorClass.id}`}>{a.errorClass.title}</a>;
}

const NO_RUN: Partial<Record<StageState, string>> = {
  'not-reached': 'not reached: the rollout stopped before this stage', 'not-run': 'no run recorded for this stage',
};

function Attempt({ a, timeZone }: { a: AttemptView; timeZone: string }) {
  const cls = a.status === 'failed' ? styles.failed : a.status === 'skipped' ? styles.skipped : styles.succeeded;
  return (
    <article className={`${styles.attempt} ${cls}`} data-attempt={a.attempt} data-status={a.status}>
      <header><span>Attempt {a.attempt}</span><span>{a.status}{a.manual ? ' · manual' : ''}</span></header>
      <dl>
        <dt>Started</dt><dd className="mono">{formatInstant(a.startedAt, timeZone)}</dd>
        <dt>Duration</dt><dd>{formatDuration(a.durationMs)}</dd>
        <dt>Host</dt><dd className="mono">{a.host ? <a href={hostHref(a.host)}>{a.host}</a> : '–'}</dd>
        <dt>Env</dt><dd>{a.env}</dd>
        {a.errorCode && <><dt>Code</dt><dd className="mono">{a.errorCode}</dd></>}
        {a.status === 'failed' && <><dt>Class</dt><dd><ClassOf a={a} /></dd></>}
        {a.attrs.map(([k, v]) => <Fragment key={k}><dt className="mono">{k}</dt><dd className="mono">{v}</dd></Fragment>)}
      </dl>
      {a.errorMessage && <p className={styles.message}>{a.errorMessage}</p>}
    </article>
  );
}

function StageRow({ s, timeZone }: { s: StageView; timeZone: string }) {
  const cls = s.attempts.length > 0 ? styles.row : `${styles.row} ${styles.empty}`;
  return (
    <section id={`stage-${s.key}`} className={cls} data-stage={s.key} data-state={s.state}>
      <div className={styles.stage}><a href={`/stages/${s.key}`}>{s.name}</a><small>{summary(s)}</small></div>
      <div className={styles.attempts}>
        {s.attempts.length === 0
          ? <span className={styles.none}>{NO_RUN[s.state]}</span>
          : s.attempts.map((a) => <Attempt key={a.id} a={a} timeZone={timeZone} />)}
      </div>
    </section>
  );
}

/** One row per stage of the chain, in order: its name and outcome, then every attempt, oldest first. */
export function StageRows({ stages, timeZone }: { stages: StageView[]; timeZone: string }) {
  return <div className={styles.rows}>{stages.map((s) => <StageRow key={s.key} s={s} timeZone={timeZone} />)}</div>;
}
