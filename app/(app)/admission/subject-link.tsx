/** A violation's subject, linked to its page where the dashboard has one (stages, error classes). */
export function SubjectLink({ type, id }: { type: string; id: string }) {
  const href = type === 'stage' ? `/stages/${encodeURIComponent(id)}` : type === 'error-class' ? `/errors/${encodeURIComponent(id)}` : null;
  return (
    <>
      <span className="subtle">{type}</span> {href ? <a href={href}>{id}</a> : <span className="mono">{id}</span>}
    </>
  );
}
