import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractParams, renderTemplate } from '../../../lib/classify/template';
import { judgeWord, lex, tokenize } from '../../../lib/classify/tokenize';

const t = (s: string) => renderTemplate(tokenize(s));

describe('tokenize keeps the message text and masks variables by their form', () => {
  it.each([
    ['numbers', 'timeout after 30 waiting for 3 replicas', 'timeout after <*> waiting for <*> replicas'],
    ['a number with a glued unit', 'took 10000ms (3s)', 'took <*> (<*>)'],
    ['IPs and ports, keeping the colon', 'connect to 10.2.3.4:8080 refused', 'connect to <*>:<*> refused'],
    ['an address after a slash', 'Received connection request /10.10.34.11:45307', 'Received connection request <*>:<*>'],
    ['a host name and its address', 'Address change detected. Old: msra-sa-41/10.190.173.170:8030', 'Address change detected. Old: <*>/<*>:<*>'],
    ['host names with ports', 'dial tcp registry.example.com:443: i/o timeout', 'dial tcp <*>:<*>: i/o timeout'],
    ['UUIDs and prefixed hashes', 'request 123e4567-e89b-12d3-a456-426614174000 and req-8f0c2a3e9b failed', 'request <*> and <*> failed'],
    ['hex literals and ids', 'container 3f9a2b1c4d5e exited with 0x1f', 'container <*> exited with <*>'],
    ['paths', 'cannot open /var/lib/docker/overlay2/abc/merged: no space left', 'cannot open <*>: no space left'],
    ['a Windows path', 'Core: C:\\Windows\\winsxs\\cbscore.dll loaded', 'Core: C:<*> loaded'],
    ['URLs, keeping the scheme', 'GET https://config.example.com/v1/apps?x=1 returned 503', 'GET https://<*> returned <*>'],
    ['dates and times', 'cert expired at 2026-11-20 09:30:00 (now 10:15)', 'cert expired at <*> <*> (now <*>)'],
    ['key=value pairs', 'logname= uid=0 euid=1000 tty=ssh', 'logname= uid=<*> euid=<*> tty=ssh'],
    ['ids made mostly of digits', 'Task attempt_1445144423722_0020_m_000000_0 done', 'Task <*> done'],
    ['a comparison sign before a number', 'lifetime <1 sec', 'lifetime <*> sec'],
    ['a file name followed by more values (its dot is part of it)', 'allocateBlock: /user/part-00299. blk_38865049064139660', 'allocateBlock: <*> <*>'],
  ])('%s', (_, message, expected) => {
    expect(t(message)).toBe(expected);
  });

  it('keeps punctuation, brackets and quotes as structure', () => {
    expect(t("Saved output of task 'attempt_2017_0024_m_000003_1012' to [hdfs://x:9000/a]")).toBe("Saved output of task '<*>' to [hdfs://<*>]");
    expect(t('Successfully started service on port 4040.')).toBe('Successfully started service on port <*>.');
    expect(t('Will retry shortly ...')).toBe('Will retry shortly ...');
  });

  it('keeps words that merely contain a digit, and plain words, as they are', () => {
    expect(t('ssh2 handshake via jk2_init() and log4j, sha256')).toBe('ssh2 handshake via jk2_init() and log4j, sha256');
    expect(lex('rdd_2_1 ssh2 webmaster').forms).toEqual(['soft', 'soft', 'word']);
  });

  it('takes quoted text as one value, spaces included', () => {
    const { tokens, forms } = lex('unknown key "feature flag x" in config');
    expect(tokens).toEqual(['unknown', ' key', ' "', 'feature flag x', '"', ' in', ' config']);
    expect(forms[3]).toBe('soft');
  });

  it('judges a word by its form alone', () => {
    expect(['123', '-17', '1.2.3', '0x1f', 'deadbeef12', '/etc/hosts', 'blk_-6952295868487656571', '2kB'].map(judgeWord)).toEqual(Array(8).fill('var'));
    expect(['ssh2', 'log4j', 'rdd_2_1', 'eth0', 'test9'].map(judgeWord)).toEqual(Array(5).fill('soft'));
    expect(['Failed', 'root', 'i/o', 'deadbeef'].map(judgeWord)).toEqual(Array(4).fill('word'));
  });

  it('gives differently numbered messages the same tokens', () => {
    expect(tokenize('pull image app:1.4.2 took 12.5 s on host-7.example.com:80')).toEqual(tokenize('pull image app:1.4.10 took 3 s on web.example.com:8080'));
  });

  it('bounds the work per message: a very long message keeps its tail as one variable', () => {
    const tokens = tokenize(Array.from({ length: 5000 }, (_, i) => `w${i % 7}x`).join(' '));
    expect(tokens.length).toBeLessThanOrEqual(201);
    expect(tokens.at(-1)).toBe(' <*>');
  });
});

// Messages built from words, numbers, punctuation and quoted or bracketed parts.
const piece = fc.oneof(
  fc.constantFrom('error', 'user', 'Failed', 'ssh2', 'state=ok', 'a_b', 'x.y.z'),
  fc.integer({ min: -5000, max: 99999 }).map(String),
  fc.ipV4().map((ip) => `${ip}:${80}`),
  fc.constantFrom('(', ')', '[', ']', ',', ':', ';', '=', '#', '|', '...'),
  fc.stringMatching(/^[a-z]{1,6}$/).map((w) => `'${w}'`),
  fc.stringMatching(/^[a-z]{1,6}$/).map((w) => `"${w} ${w}"`),
  fc.stringMatching(/^\/[a-z]{1,5}\/[a-z0-9]{1,5}$/),
);
const messageArb = fc.array(fc.tuple(piece, fc.constantFrom(' ', '', '  ')), { minLength: 1, maxLength: 25 }).map((parts) => parts.map(([p, s]) => p + s).join('').trim());
const normal = (s: string) => s.trim().replace(/\s+/g, ' ');

describe('the template of a message is the message with its variables as <*>', () => {
  it('fills back to the message: constant text kept verbatim, each <*> one stretch of it', () => {
    fc.assert(
      fc.property(messageArb, (message) => {
        const template = t(message);
        const params = extractParams(template, message);
        const parts = template.split('<*>');
        expect(params).toHaveLength(parts.length - 1);
        expect(parts.reduce((acc, part, i) => acc + part + (params[i] ?? ''), '')).toBe(normal(message));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps brackets and quotes balanced when the message has them balanced', () => {
    const balanced = (s: string) => {
      const stack: string[] = [];
      for (const c of s.replaceAll('<*>', '')) {
        if ('([{'.includes(c)) stack.push(c);
        else if (')]}'.includes(c) && stack.pop() !== '([{'[')]}'.indexOf(c)]) return false;
      }
      return stack.length === 0 && (s.split('"').length - 1) % 2 === 0;
    };
    fc.assert(
      fc.property(messageArb, (message) => {
        if (balanced(message)) expect(balanced(t(message))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
