/**
 * Where to send a person after signing in. `next` comes from the URL or a form field, so anyone can
 * set it: only a path on this site may be followed, or sign-in becomes an open redirect.
 */

// A host that cannot exist (RFC 6761 .invalid): the parser needs a base to resolve against.
const BASE = 'http://rollscope.invalid';
const MAX_NEXT_CHARS = 2048;
// Browsers drop tabs and newlines anywhere in a URL, trim C0 controls and spaces at its ends and read
// "\" as "/", so "/\evil", "/\t/evil" and " //evil" all leave the site; none has a use in a path of ours.
const STRIPPED_OR_REREAD = /[\u0000-\u001f\u007f\\]/;

/** Whether a (decoded) path starts with "/" alone: "//host" and "/\host" name another host. */
function startsWithOneSlash(path: string): boolean {
  return path.startsWith('/') && path[1] !== '/' && path[1] !== '\\';
}

function decodeOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * `next` as a same-origin path (pathname, query and hash, normalised by the WHATWG URL parser that
 * browsers use), or `fallback` when it is anything else: another origin or scheme, a
 * protocol-relative "//host", a backslash, a control character, or a path whose percent-decoded
 * form would start with "//" (`/%2F%2Fevil`), in case anything downstream decodes it once.
 */
export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length > MAX_NEXT_CHARS) return fallback;
  if (STRIPPED_OR_REREAD.test(next) || next !== next.trim() || !startsWithOneSlash(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || !startsWithOneSlash(url.pathname)) return fallback;
  const decoded = decodeOrNull(url.pathname);
  if (decoded === null || STRIPPED_OR_REREAD.test(decoded) || !startsWithOneSlash(decoded)) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
