import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../lib/classify/tokenize';

const t = (s: string) => tokenize(s).join(' ');

describe('tokenize masks variable parts', () => {
  it.each([
    ['numbers and durations', 'timeout after 30s waiting for 3 replicas', 'timeout after <*> waiting for <*> replicas'],
    ['a size with its unit and a note', 'sent 1190 bytes (1.16 KB) in 1.5 s', 'sent <*> in <*>'],
    ['IPs and ports', 'connect to 10.2.3.4:8080 refused', 'connect to <*> refused'],
    ['host names with ports', 'dial tcp registry.example.com:443: i/o timeout', 'dial tcp <*> i/o timeout'],
    ['UUIDs', 'request 123e4567-e89b-12d3-a456-426614174000 failed', 'request <*> failed'],
    ['hex ids', 'container 3f9a2b1c4d5e exited with 0x1f', 'container <*> exited with <*>'],
    ['paths', 'cannot open /var/lib/docker/overlay2/abc/merged: no space left', 'cannot open <*> no space left'],
    ['URLs', 'GET https://config.example.com/v1/apps?x=1 returned 503', 'GET <*> returned <*>'],
    ['dates and times', 'cert expired at 2026-11-20T09:30:00Z (now 10:15)', 'cert expired at <*> (now <*>'],
    ['quoted values', 'unknown key "feature flag x" in config', 'unknown key <*> in config'],
    ['ids glued to names', 'deleting blk_-1608999687919862906 blk_72 blk_99', 'deleting blk_<*>'],
  ])('%s', (_, message, expected) => {
    expect(t(message)).toBe(expected);
  });

  it('keeps words that merely contain a digit', () => {
    expect(t('ssh2 handshake via jk2_init() and log4j')).toBe('ssh2 handshake via jk2_init() and log4j');
  });

  it('gives differently numbered messages the same tokens', () => {
    expect(t('pull image app:1.4.2 took 12.5 s on host-7')).toBe(t('pull image app:1.4.10 took 3 s on host-12'));
  });
});
