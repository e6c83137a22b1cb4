import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardedForHeader, normalizeAddress, resolveClientAddress, UNKNOWN_CLIENT } from '../../../lib/auth/client-address';

describe('resolveClientAddress', () => {
  it.each([
    // [X-Forwarded-For as the server action sees it, trusted proxy hops, client]
    ['127.0.0.1', 0, '127.0.0.1'], // the web server stamped the socket address
    ['::ffff:10.1.2.3', 0, '10.1.2.3'],
    ['::1', 0, '0:0:0:0::/64'],
    [null, 0, UNKNOWN_CLIENT],
    ['', 0, UNKNOWN_CLIENT],
    ['not an address', 0, UNKNOWN_CLIENT],
    ['6.6.6.6, 203.0.113.9', 1, '203.0.113.9'], // the client's own entry is left of what the proxy appended
    ['6.6.6.6, 203.0.113.9, 10.0.0.2', 2, '203.0.113.9'],
    ['203.0.113.9', 3, '203.0.113.9'], // fewer entries than proxies: the leftmost
    ['[2001:db8:1:2:3:4:5:6]:443', 1, '2001:db8:1:2::/64'],
    ['198.51.100.7:51234', 1, '198.51.100.7'],
  ] as const)('reads %j with %i trusted hops as %j', (header, hops, client) => {
    expect(resolveClientAddress(header, hops)).toBe(client);
  });

  it('gives one key to a whole IPv6 /64, however it is written', () => {
    expect(normalizeAddress('2001:db8:aa:bb::1')).toBe('2001:db8:aa:bb::/64');
    expect(normalizeAddress('2001:0DB8:00aa:00bb:ffff:1:2:3')).toBe('2001:db8:aa:bb::/64');
    expect(normalizeAddress('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(normalizeAddress('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
    expect(normalizeAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('behind N proxies, ignores whatever the client put in front of the entries the proxies appended', () => {
    const ipv4 = fc.ipV4();
    fc.assert(
      fc.property(fc.array(fc.oneof(ipv4, fc.string()), { maxLength: 5 }), fc.array(ipv4, { minLength: 1, maxLength: 4 }), (spoofed, appended) => {
        const header = [...spoofed, ...appended].join(', ');
        expect(resolveClientAddress(header, appended.length)).toBe(appended[0]);
      }),
    );
  });

  it('always answers an address key or "unknown", never the raw header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 0, max: 10 }), (header, hops) => {
        const client = resolveClientAddress(header, hops);
        expect(client.length).toBeLessThanOrEqual(64);
        expect(client === UNKNOWN_CLIENT || /^[0-9a-f.:/]+$/.test(client)).toBe(true);
      }),
    );
  });
});

describe('the X-Forwarded-For the web server hands to Next', () => {
  it('is the socket address when no proxy is trusted, whatever the client sent', () => {
    fc.assert(
      fc.property(fc.option(fc.oneof(fc.string(), fc.array(fc.string())), { nil: undefined }), fc.ipV4(), (sent, socket) => {
        expect(forwardedForHeader(sent, socket, 0)).toBe(socket);
        expect(resolveClientAddress(forwardedForHeader(sent, socket, 0), 0)).toBe(socket);
      }),
    );
  });

  it('is the proxies\' header as it came when proxies are trusted (repeated headers joined)', () => {
    expect(forwardedForHeader('203.0.113.7, 10.0.0.2', '10.0.0.3', 1)).toBe('203.0.113.7, 10.0.0.2');
    expect(forwardedForHeader(['203.0.113.7', '10.0.0.2'], '10.0.0.3', 2)).toBe('203.0.113.7, 10.0.0.2');
    expect(forwardedForHeader(undefined, '10.0.0.3', 1)).toBeUndefined();
  });
});
