import { isIP } from 'node:net';

/**
 * The client address that sign-in throttling counts against, from the X-Forwarded-For header as
 * the server action sees it. Server actions get no socket, and `next start` would keep an
 * X-Forwarded-For the client sent; so Rollscope's web server (jobs/web-server.ts) sets the header
 * itself before Next sees the request (`forwardedForHeader`):
 * - `trustedHops` 0 (no proxy): the header is replaced by the socket's address — a client cannot
 *   choose its own.
 * - `trustedHops` N: each of the N proxies appended the address it saw, so the Nth entry from the
 *   right is the client as the outermost proxy saw it; entries left of it are the client's own.
 */
export const UNKNOWN_CLIENT = 'unknown';
const MAX_HEADER_CHARS = 4096;

/** The X-Forwarded-For to hand to Next: the socket's address when no proxy is trusted, else the proxies' header as is. */
export function forwardedForHeader(received: string | string[] | undefined, socketAddress: string | undefined, trustedHops: number): string | undefined {
  if (trustedHops === 0) return socketAddress;
  return Array.isArray(received) ? received.join(', ') : received;
}

export function resolveClientAddress(forwardedFor: string | null | undefined, trustedHops: number): string {
  const entries = (forwardedFor ?? '').slice(0, MAX_HEADER_CHARS).split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return UNKNOWN_CLIENT;
  // Fewer entries than proxies: the request skipped one; the leftmost is the best there is.
  const index = Math.max(0, entries.length - Math.max(1, trustedHops));
  return normalizeAddress(entries[index]!) ?? UNKNOWN_CLIENT;
}

/**
 * One key per client: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by its /64 — one subscriber gets a
 * whole /64 and could otherwise rotate through it. Ports and brackets are dropped; anything that is
 * not an address is null.
 */
export function normalizeAddress(entry: string): string | null {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  const address = (bracketed?.[1] ?? ipv4WithPort?.[1] ?? entry).toLowerCase();
  const kind = isIP(address);
  if (kind === 4) return address;
  if (kind !== 6) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) return mapped[1]!;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address in hex without leading zeros (an IPv4 tail is two groups). */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const groups = (part: string) => (part ? part.split(':').flatMap(ipv4TailAsGroups) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const fill = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16).toString(16));
}

function ipv4TailAsGroups(group: string): string[] {
  if (!group.includes('.')) return [group];
  const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
