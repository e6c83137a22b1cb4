import { formatCount } from '../../../lib/format';
import styles from './evidence.module.css';
import { SubjectLink } from './subject-link';

/** Evidence fields that name a subject, linked to its page. */
const SUBJECT_FIELDS: Record<string, string> = { rolloutId: 'rollout', host: 'host', fixedHost: 'host', service: 'service' };
/** Scalar fields shown in the one-line summary of folded evidence. */
const GIST_FIELDS = 3;

/** `fixedHost` → "fixed host". */
const words = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
const isList = (v: unknown): v is unknown[] => Array.isArray(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ISO instants as the page shows times: UTC to the minute. */
const ISO_INSTANT = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?Z$/;
const text = (v: unknown) => (typeof v === 'string' ? v.replace(ISO_INSTANT, '$1 $2') : String(v));

function Value({ name, value }: { name: string; value: unknown }) {
  if (name === 'link' && typeof value === 'string') return <a href={value}>{value}</a>;
  if (SUBJECT_FIELDS[name] && typeof value === 'string') return <SubjectLink type={SUBJECT_FIELDS[name]} id={value} />;
  if (isList(value)) {
    if (value.every((v) => !isObject(v) && !isList(v))) {
      const item = (v: unknown) => (name === 'otherHosts' ? <SubjectLink type="host" id={String(v)} /> : text(v));
      return <span className="mono">{value.map((v, i) => <span key={i}>{i ? ', ' : ''}{item(v)}</span>)}</span>;
    }
    return <ul>{value.map((v, i) => <li key={i} className="mono"><Value name={name} value={v} /></li>)}</ul>;
  }
  if (isObject(value)) {
    // A subject names itself ("rollout r-1"); other fields go by their name; nested records in brackets.
    return (
      <span className="mono">
        {Object.entries(value).map(([k, x], i) => (
          <span key={k}>{i ? ' · ' : ''}{SUBJECT_FIELDS[k] ? null : `${words(k)} `}{isObject(x) ? <>(<Value name={k} value={x} />)</> : <Value name={k} value={x} />}</span>
        ))}
      </span>
    );
  }
  return <span className="mono">{text(value)}</span>;
}

function Fields({ entries }: { entries: [string, unknown][] }) {
  return (
    <dl className="evidence">
      {entries.map(([k, v]) => <div key={k}><dt>{words(k)}</dt><dd><Value name={k} value={v} /></dd></div>)}
    </dl>
  );
}

/**
 * A violation's evidence (the records or figures that broke the rule), with its links. Short
 * evidence is shown as is; longer evidence (more fields, or lists) is folded under a one-line
 * summary: its first figures and the size of each list ("5 examples").
 */
export function Evidence({ evidence }: { evidence: unknown }) {
  if (!isObject(evidence) || Object.keys(evidence).length === 0) return <span className="subtle">–</span>;
  const entries = Object.entries(evidence);
  const lists = entries.filter(([, v]) => isList(v));
  if (entries.length <= GIST_FIELDS && lists.length === 0) return <Fields entries={entries} />;
  const gist = entries.filter(([, v]) => !isList(v) && !isObject(v)).slice(0, GIST_FIELDS).map(([k, v]) => `${words(k)} ${text(v)}`);
  const counts = lists.map(([k, v]) => `${formatCount((v as unknown[]).length)} ${words(k)}`);
  return (
    <details className={styles.folded} data-evidence>
      <summary>{[...gist, ...counts].join(' · ')}</summary>
      <Fields entries={entries} />
    </details>
  );
}

/** The rollouts that took part in a violation, folded under their count (the first ones listed). */
export function LinkedRollouts({ ids, total }: { ids: string[]; total: number }) {
  if (total === 0) return <span className="subtle">–</span>;
  return (
    <details className={styles.folded} data-rollouts={total}>
      <summary>{formatCount(total)} {total === 1 ? 'rollout' : 'rollouts'}</summary>
      <ul className={styles.list}>
        {ids.map((id) => <li key={id} className={styles.nowrap}><SubjectLink type="rollout" id={id} /></li>)}
        {total > ids.length && <li className="subtle">and {formatCount(total - ids.length)} more</li>}
      </ul>
    </details>
  );
}
