/**
 * Turns an error message into template tokens: variable parts (numbers with their units, ids,
 * addresses, paths, times, quoted values…) become the wildcard <*>, and a run of wildcards becomes
 * one, so that "took 3 s" and "took 1.2 s (1200 ms)" read alike. General patterns only: nothing
 * here knows any particular system's messages.
 */
export const WILDCARD = '<*>';

const UNITS = 'ms|msec|millis(?:econds?)?|us|µs|ns|s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?|b|bytes?|kb?|kib?|mb?|mib?|gb?|gib?|tb?|tib?|%';

// Order matters: compound forms first, plain numbers last. Each match becomes one wildcard.
const MASKS: RegExp[] = [
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s,;'"<>()\[\]]+/gi, // URL
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, // UUID
  /(?<![\w.])\/?\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?(?![\w.])/g, // IPv4 with optional port
  /(?<![\w./])(?:~|\.{1,2})?(?:\/[\w.$@%+~*-]+)+\/?/g, // Unix path
  /\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?:\/[\w.@~%+-]+)+\/?/gi, // host/path without a scheme
  /\b[a-z]:\\[^\s,;'"]+/gi, // Windows path
  /\b0x[0-9a-f]+\b/gi, // hex literal
  /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b/gi, // hex id with digits and letters
  /\b\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?\b/gi, // date, date-time
  /(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?![\w:])/g, // time of day, mm:ss
  /(?<![\w.])[a-z0-9][\w-]*(?:\.[\w-]+)+:\d{2,5}(?![\w.]|:\d)/gi, // host.domain:port
  /'[^'\s]*'|"[^"]*"/g, // quoted value
  new RegExp(`(?<![a-z0-9])[-+<>~]?\\d+(?:[.,]\\d+)?\\s?(?:${UNITS})(?![a-z0-9])`, 'gi'), // number with unit
  /(?<![a-z0-9])[-+]?\d+(?:\.\d+)?(?![a-z0-9])/gi, // number not glued to letters
];

const HAS_LETTER = /[a-z]/i;

/** The template tokens of a message. */
export function tokenize(message: string): string[] {
  let text = message;
  for (const mask of MASKS) text = text.replace(mask, WILDCARD);
  const tokens: string[] = [];
  for (const raw of text.split(/\s+/)) {
    if (raw === '') continue;
    // A token of wildcards and punctuation only ("<*>:<*>", "(<*>)", "<*>##<*>") is one variable.
    const token = raw.includes(WILDCARD) && !HAS_LETTER.test(raw.replaceAll(WILDCARD, '')) ? WILDCARD : raw;
    // A run of one variable token is a list of values ("blk_<*> blk_<*> blk_<*>"): keep one.
    if (token.includes(WILDCARD) && tokens[tokens.length - 1] === token) continue;
    tokens.push(token);
  }
  return tokens;
}
