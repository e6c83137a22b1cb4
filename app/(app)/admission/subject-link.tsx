const PAGES: Record<string, (id: string) => string> = {
  stage: (id) => `/stages/${encodeURIComponent(id)}`,
  'error-class': (id) => `/errors/${encodeURIComponent(id)}`,
  service: (id) => `/errors?service=${encodeURIComponent(id)}`,
};

/** A violation's subject, linked where the dashboard has a page for it (a stage, an error class, a service's errors). */
export function SubjectLink({ type, id }: { type: string; id: string }) {
  const href = PAGES[type]?.(id) ?? null;
  return (
    <>
      <span className="subtle">{type}</span> {href ? <a href={href}>{id}</a> : <span className="mono">{id}</span>}
    </>
  );
}
