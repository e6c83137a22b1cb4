import { describeIssues, parseParams, type ParamIssue } from './params';
import { matchRoute, type RouteSpec } from './routes';

/**
 * The check proxy.ts runs before any route: the route's path segments and URL parameters against
 * its schemas. A bad request is answered here with 400 naming the parameter (an HTML page for
 * people, JSON for /api/*), before a page renders or a handler runs.
 */
export type Answer = { status: number; contentType: string; body: string };

/** Longer query strings are not a filter anyone typed (Node itself refuses headers over 16 KB with 431). */
export const MAX_QUERY_LENGTH = 8192;

function decodeSegments(raw: Record<string, string>): Record<string, string> | null {
  try {
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decodeURIComponent(v)]));
  } catch {
    return null;
  }
}

function issuesOfRequest(route: RouteSpec, rawSegments: Record<string, string>, search: URLSearchParams): ParamIssue[] {
  const segments = decodeSegments(rawSegments);
  if (!segments) return [{ param: 'path', message: 'has a malformed percent-encoding' }];
  if (route.segments) {
    const parsed = parseParams(route.segments, segments);
    if (!parsed.ok) return parsed.issues;
  }
  const parsed = parseParams(route.search, search);
  return parsed.ok ? [] : parsed.issues;
}

/** null when the request may go on to its route (or is not one of ours: Next answers 404); else the answer to send. */
export function screenRequest(url: { pathname: string; search: string }): Answer | null {
  const match = matchRoute(url.pathname);
  if (!match) return null;
  const api = match.route.kind === 'api';
  if (url.search.length > MAX_QUERY_LENGTH) {
    const issue = { param: 'query', message: `is ${url.search.length} characters long; at most ${MAX_QUERY_LENGTH}` };
    return answer(414, api, [issue], match.route);
  }
  const issues = issuesOfRequest(match.route, match.segments, new URLSearchParams(url.search));
  return issues.length === 0 ? null : answer(400, api, issues, match.route);
}

function answer(status: number, api: boolean, issues: ParamIssue[], route: RouteSpec): Answer {
  if (api) return { status, contentType: 'application/json', body: JSON.stringify({ error: describeIssues(issues), details: issues }) };
  return { status, contentType: 'text/html; charset=utf-8', body: errorPage(status, issues, route) };
}

const PAGE_STYLE = 'body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color-scheme:light dark}';
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain page (no scripts) that names each bad parameter and links to the page with its defaults. */
function errorPage(status: number, issues: ParamIssue[], route: RouteSpec): string {
  const items = issues.map((i) => `<li><code>${escapeHtml(i.param)}</code>: ${escapeHtml(i.message)}</li>`).join('');
  // For /errors/<id> and the like, the list the id came from.
  const home = route.path.replace(/\/\[\w+\].*$/, '') || '/';
  const title = status === 414 ? 'Address too long' : 'Bad request';
  const which = issues.length === 1 ? 'this value' : 'these values';
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Rollscope</title>`,
    `<style>${PAGE_STYLE}</style></head><body><main><h1>${title}</h1>`,
    `<p>Rollscope cannot use ${which} of the address:</p><ul>${items}</ul>`,
    `<p><a href="${escapeHtml(home)}">Open ${escapeHtml(home)} with its default values</a></p></main></body></html>`,
  ].join('');
}
