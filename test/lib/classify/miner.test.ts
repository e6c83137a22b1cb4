import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MINER_DEFAULTS, MinerStateVersionError, TemplateMiner, extractParams } from '../../../lib/classify/miner';

function learn(messages: string[], miner = new TemplateMiner()) {
  const ids = messages.map((m) => miner.add(m));
  miner.consolidate();
  const groups = ids.map((id) => miner.resolve(id));
  return { miner, groups, templates: [...new Set(groups)].map((g) => miner.getCluster(g)!.template) };
}

// Crafted from what makes a token a variable in any message text, not from any log file.
describe('messages that differ only in variables share one template', () => {
  it.each([
    ['numbers', ['retry 3 of 5 failed after 250 ms', 'retry 4 of 5 failed after 1200 ms', 'retry 1 of 10 failed after 7 ms'], 'retry <*> of <*> failed after <*> ms'],
    ['ids', ['deleting block blk_-1608999687919862906', 'deleting block blk_7503483334202473044'], 'deleting block <*>'],
    ['job ids made of digits', ['job job_1445144423722_0020 done', 'job job_1445144423722_0031 done'], 'job <*> done'],
    ['hex ids and literals', ['session 0x14ed93111f20005 closed (rc 0x1f)', 'session 0x24ede63a01b003b closed (rc 0x0)'], 'session <*> closed (rc <*>)'],
    ['UUIDs', ['instance 0e4f4f2a-b6c1-4d3e-9a1b-abcdef012345 started', 'instance 9a1b2c3d-0000-4d3e-8a1b-112233445566 started'], 'instance <*> started'],
    ['paths', ['cannot open /var/lib/app/a.db: permission denied', 'cannot open /srv/data/x/y/z.log: permission denied'], 'cannot open <*>: permission denied'],
    ['addresses and ports', ['connect to 10.0.0.1:8080 refused', 'connect to db.example.com:5432 refused', 'connect to 192.168.1.9:22 refused'], 'connect to <*>:<*> refused'],
    ['quoted values', ['unknown key "feature flag x" in config', 'unknown key "y" in config', "unknown key \"zed\" in config"], 'unknown key "<*>" in config'],
    ['key=value pairs', ['sync done: status=ok items=12 took=3s', 'sync done: status=ok items=7 took=12s'], 'sync done: status=ok items=<*> took=<*>'],
    ['names (many distinct plain words at one place)', ['session opened for user root by (uid=0)', 'session opened for user cyrus by (uid=0)', 'session opened for user news by (uid=9)'], 'session opened for user <*> by (uid=<*>)'],
    ['a value with a unit that varies', ['request served in 5 ms', 'request served in 1.5 s', 'request served in 2 min'], 'request served in <*>'],
    ['a value written in different lengths', ['connection closed, lifetime <1 sec', 'connection closed, lifetime 00:01', 'connection closed, lifetime 01:02:03'], 'connection closed, lifetime <*>'],
    ['lists of values of any length', ['ask 10.0.0.1:50010 to delete blk_-16089996879 blk_72134123412', 'ask 10.0.0.2:50010 to delete blk_98765432101', 'ask 10.0.0.3:50010 to delete blk_31415926535 blk_27182818284 blk_16180339887'], 'ask <*>:<*> to delete <*>'],
    ['a word where otherwise identical messages have a variable', ['reverse mapping for 10.1.2.3 [10.1.2.3] failed', 'reverse mapping for host-12-34.example.net [10.1.2.4] failed', 'reverse mapping for ns.example.com [10.9.9.9] failed'], 'reverse mapping for <*> [<*>] failed'],
    ['words with digits that vary', ['cached rdd_2_1 in memory', 'cached rdd_3_7 in memory'], 'cached <*> in memory'],
  ])('%s', (_, messages, template) => {
    const { groups, templates } = learn(messages);
    expect(new Set(groups).size).toBe(1);
    expect(templates).toEqual([template]);
  });
});

describe('messages that differ in a constant stay apart', () => {
  it.each([
    ['state words', ['job 12 moved from QUEUED to RUNNING', 'job 13 moved from RUNNING to FAILED', 'job 14 moved from QUEUED to RUNNING', 'job 15 moved from RUNNING to DONE'], 3],
    ['two alternatives of one word', ['health check failed: connection refused', 'health check failed: connection reset', 'health check failed: connection refused'], 2],
    ['the first word', ['Accepted password for root from 1.2.3.4 port 22 ssh2', 'Failed password for root from 1.2.3.4 port 22 ssh2'], 2],
    ['punctuation (structure)', ['value x rejected', 'value (x) rejected', 'value [x] rejected', 'value x: rejected'], 4],
    ['an inserted word', ['Failed password for root from 1.2.3.4 port 22 ssh2', 'Failed password for invalid user root from 1.2.3.4 port 22 ssh2'], 2],
    ['an optional part in brackets', ['sent 1190 bytes (1.16 KB), received 0 bytes', 'sent 12 bytes, received 0 bytes'], 2],
    ['one word with a digit beside a plain word', ['open through proxy 10.0.0.1:80 HTTPS', 'open through proxy 10.0.0.1:1080 SOCKS5', 'open through proxy 10.0.0.2:80 HTTPS'], 2],
    ['templates that share only punctuation and a variable', ['queue: default', 'onExtend: 12 3 4', '12: Committed', 'retry: 5'], 4],
    ['a word beside a variable in unrelated templates', ['Resolved host-1.example.com to /rack-1', 'Resolved host-2.example.com to /rack-2', 'tickTime set to 2000'], 2],
  ])('%s', (_, messages, count) => {
    expect(new Set(learn(messages).groups).size).toBe(count);
  });
});

describe('TemplateMiner keeps class ids stable', () => {
  it('keeps the oldest id when templates widen, and later messages join it', () => {
    const miner = new TemplateMiner();
    const first = miner.add('Invalid user alice from 10.0.0.1');
    for (const u of ['bob', 'carol', 'dave']) miner.add(`Invalid user ${u} from 10.0.0.2`);
    expect(miner.consolidate()).toBe(3);
    expect(miner.resolve(miner.add('Invalid user frank from 10.0.0.3'))).toBe(first);
    expect(miner.getCluster(first)).toMatchObject({ id: first, template: 'Invalid user <*> from <*>', tokens: ['Invalid', 'user', '<*>', 'from', '<*>'], count: 5 });
  });

  it('keeps every id and template after a restart (toJSON / fromJSON)', () => {
    const { miner } = learn(['Invalid user alice from 10.0.0.1', 'Invalid user bob from 10.0.0.2', 'Invalid user carol from 10.0.0.3', 'disk full on /var/lib/docker']);
    const restored = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(miner.toJSON())));
    expect(restored.listClusters()).toEqual(miner.listClusters());
    expect(restored.resolve(restored.add('Invalid user mallory from 10.9.9.9'))).toBe(1);
    expect(restored.resolve(3)).toBe(1);
    const fresh = restored.add('certificate expired for api.example.com');
    expect(fresh).toBeGreaterThan(Math.max(...miner.listClusters().map((c) => c.id), 3));
  });

  it('refuses a state of another version with MinerStateVersionError, and a malformed one naming the field', () => {
    expect(() => TemplateMiner.fromJSON({ version: 1, nextId: 2, clusters: [], signatures: [], aliases: [] })).toThrow(MinerStateVersionError);
    expect(() => TemplateMiner.fromJSON(null)).toThrow(MinerStateVersionError);
    expect(() => TemplateMiner.fromJSON({ version: 2, nextId: 1, clock: 0, clusters: [{ id: 1, tokens: 'x', count: 1, seen: 0 }], aliases: [] })).toThrow(/clusters\.0\.tokens/);
  });

  it('matches a message without learning it and extracts its parameters', () => {
    const { miner } = learn(['pull of app:1.2 failed after 30s', 'pull of web:2.0 failed after 12s', 'pull of db:7.1 failed after 1s']);
    const before = miner.listClusters();
    expect(miner.match('pull of api:3.1 failed after 5s')).toEqual({ clusterId: 1, template: 'pull of <*>:<*> failed after <*>', params: ['api', '3.1', '5s'] });
    expect(miner.match('something else entirely')).toBeNull();
    expect(miner.listClusters()).toEqual(before);
  });

  it('extracts the parameters of a template from a message', () => {
    expect(extractParams('Block <*> stored (estimated size <*>, free <*>)', 'Block rdd_1 stored (estimated size 5.2 KB, free 2.1 GB)')).toEqual(['rdd_1', '5.2 KB', '2.1 GB']);
    expect(extractParams(['took', '<*>', 'ms'], 'took 12 ms')).toEqual(['12']);
    expect(extractParams('no variables here', 'no variables here')).toEqual([]);
  });
});

// Messages from a few templates with random values, and random words: the miner's invariants.
const word = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta');
const messageArb = fc.oneof(
  fc.tuple(word, fc.nat(99_999)).map(([w, n]) => `user ${w} logged in from 10.0.${n % 256}.${n % 7} port ${n}`),
  fc.tuple(fc.nat(1e9), fc.nat(999)).map(([b, t]) => `block blk_${b} replicated in ${t} ms`),
  fc.tuple(word, word).map(([a, b]) => `cache ${a} evicted ${b}`),
  fc.array(word, { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' ')),
);

describe('TemplateMiner invariants (generated messages)', () => {
  it('only merges: messages grouped together stay together, every id resolves to a live cluster, the oldest id survives', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 40 }), (messages, batch) => {
        const miner = new TemplateMiner();
        const ids: number[] = [];
        let previous: number[] = [];
        messages.forEach((m, i) => {
          ids.push(miner.add(m));
          if ((i + 1) % batch !== 0) return;
          miner.consolidate();
          const now = ids.map((id) => miner.resolve(id));
          for (let a = 0; a < previous.length; a += 1) for (let b = a + 1; b < previous.length; b += 1) if (previous[a] === previous[b]) expect(now[a]).toBe(now[b]);
          previous = now;
        });
        miner.consolidate();
        for (const id of ids) {
          const live = miner.getCluster(id);
          expect(live).toBeDefined();
          expect(live!.id).toBeLessThanOrEqual(id);
        }
        expect(miner.listClusters().reduce((n, c) => n + c.count, 0)).toBe(messages.length);
      }),
      { numRuns: 150 },
    );
  });

  it('every message matches the template of the cluster it ended in, and its parameters fill that template back', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 80 }), (messages) => {
        const { miner } = learn(messages);
        for (const m of messages) {
          const match = miner.match(m)!;
          expect(match).not.toBeNull();
          const parts = match.template.split('<*>');
          expect(parts.reduce((acc, part, i) => acc + part + (match.params[i] ?? ''), '')).toBe(m.trim().replace(/\s+/g, ' '));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('learns the same after a restart as without one', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 2, maxLength: 60 }), fc.nat(), (messages, cut) => {
        const at = cut % messages.length;
        const straight = learn(messages);
        const first = learn(messages.slice(0, at));
        const restored = learn(messages.slice(at), TemplateMiner.fromJSON(JSON.parse(JSON.stringify(first.miner.toJSON()))));
        const again = learn(messages.slice(0, at));
        const both = learn(messages.slice(at), again.miner);
        expect(restored.miner.listClusters()).toEqual(both.miner.listClusters());
        expect(straight.groups.length).toBe(messages.length);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps memory bounded: never more clusters than its limit after consolidating, whatever it is fed', () => {
    const miner = new TemplateMiner({ ...MINER_DEFAULTS, maxClusters: 50, cacheSize: 64, maxAliases: 100 });
    fc.assert(
      fc.property(fc.array(fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 100 }), (batch) => {
        const ids = batch.map((ws) => miner.add(ws.join(' ')));
        miner.consolidate();
        expect(miner.listClusters().length).toBeLessThanOrEqual(Math.max(50, new Set(ids.map((id) => miner.resolve(id))).size));
        for (const id of ids) expect(miner.getCluster(id)).toBeDefined();
        expect(JSON.parse(JSON.stringify(miner.toJSON())).aliases.length).toBeLessThanOrEqual(100 + batch.length);
      }),
      { numRuns: 60 },
    );
  });
});
