import { subjectHref } from '../../../lib/places/links';

/** A violation's subject, linked to its page (a rollout, host, service, stage or error class). */
export function SubjectLink({ type, id }: { type: string; id: string }) {
  const href = subjectHref(type, id);
  return (
    <>
      <span className="subtle">{type}</span> {href ? <a href={href} className={type === 'rollout' || type === 'host' ? 'mono' : undefined}>{id}</a> : <span className="mono">{id}</span>}
    </>
  );
}
