import { extractParams } from '../classify/miner';
import { WILDCARD } from '../classify/tokenize';

/**
 * Why an event is in a miner's class: the class template with this event's values in place of its
 * `<*>` slots, so the page can highlight what varies. Pure.
 */
export type Segment = { text: string; param: boolean };

/** The message without whitespace, and where each of its characters stands in the message. */
function compact(message: string): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  for (let i = 0; i < message.length; i += 1) {
    if (/\s/.test(message[i]!)) continue;
    text += message[i];
    at.push(i);
  }
  return { text, at };
}

/**
 * Where each literal part of the template stands in the message, as [start, end) in the message,
 * or null when a part is not there in order. Whitespace is ignored on both sides: templates write
 * spacing their own way (tokens joined by spaces), the text between is the message's.
 */
function locate(parts: readonly string[], message: string): ([number, number] | null)[] | null {
  const m = compact(message);
  const spans: ([number, number] | null)[] = [];
  let pos = 0;
  for (let i = 0; i < parts.length; i += 1) {
    const lit = parts[i]!.replace(/\s+/g, '');
    if (lit === '') {
      spans.push(null);
      continue;
    }
    // The last part ends the message when the template does not end in a wildcard: take its last place.
    const found = i === parts.length - 1 && i > 0 ? m.text.lastIndexOf(lit) : m.text.indexOf(lit, pos);
    if (found < pos || found === -1 || (i === 0 && found !== 0)) return null;
    spans.push([m.at[found]!, m.at[found + lit.length - 1]! + 1]);
    pos = found + lit.length;
  }
  return spans;
}

/** The template's literal parts and, in each slot, the event's value there (best effort). */
export function explainByTemplate(template: string, message: string): Segment[] {
  const parts = template.split(WILDCARD);
  if (parts.length === 1) return [{ text: template, param: false }];
  const spans = locate(parts, message);
  if (!spans) return fromMinerParams(template, message);
  const out: Segment[] = [];
  let previous = '';
  for (let i = 0; i < parts.length; i += 1) {
    if (parts[i] !== '') out.push({ text: parts[i]!, param: false });
    if (i === parts.length - 1) break;
    const start = spans.slice(0, i + 1).reduce((end, s) => (s ? s[1] : end), 0);
    const end = spans.slice(i + 1).find((s) => s !== null)?.[0] ?? message.length;
    // Wildcards with nothing literal between cannot be told apart: the first of the run takes the text.
    const key = `${start}:${end}`;
    out.push({ text: key === previous ? '' : message.slice(start, end).trim(), param: true });
    previous = key;
  }
  return out;
}

/**
 * Fallback: the miner's own alignment (lib/classify/miner.ts#extractParams gives one value per
 * `<*>` of the template text, also inside a word such as `<*>:<*>`).
 */
function fromMinerParams(template: string, message: string): Segment[] {
  const params = extractParams(template, message);
  const out: Segment[] = [];
  template.split(WILDCARD).forEach((literal, i, all) => {
    if (literal !== '') out.push({ text: literal, param: false });
    if (i < all.length - 1) out.push({ text: params[i] ?? WILDCARD, param: true });
  });
  return out;
}
