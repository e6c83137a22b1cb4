/**
 * Where the dashboard shows a rollout, a host or a service. Ids may hold any character (a `/`, a
 * `%`, spaces): each is one percent-encoded path segment. Pure, so e-mails and pages share them.
 */
export const rolloutHref = (id: string): string => `/rollouts/${encodeURIComponent(id)}`;
export const hostHref = (host: string, query = ''): string => `/hosts/${encodeURIComponent(host)}${query}`;
export const serviceHref = (service: string, query = ''): string => `/services/${encodeURIComponent(service)}${query}`;
export const searchHref = (q: string): string => `/search?q=${encodeURIComponent(q)}`;

/** `?week=…` or `?from=…&to=…`: a period carried from one page to the next. */
export function periodQuery(p: { week: string | null; from: string; to: string }): string {
  return p.week ? `?week=${p.week}` : `?from=${p.from}&to=${p.to}`;
}

/** A violation's subject's page, or null where the dashboard has none for its type. */
export function subjectHref(type: string, id: string): string | null {
  switch (type) {
    case 'rollout': return rolloutHref(id);
    case 'host': return hostHref(id);
    case 'service': return serviceHref(id);
    case 'stage': return `/stages/${encodeURIComponent(id)}`;
    case 'error-class': return `/errors/${encodeURIComponent(id)}`;
    default: return null;
  }
}
