import { describe, expect, it } from 'vitest';
import { TemplateMiner } from '../../../lib/classify/miner';

function learn(messages: string[]) {
  const miner = new TemplateMiner();
  const ids = messages.map((m) => miner.add(m));
  miner.consolidate();
  return { miner, groups: ids.map((id) => miner.resolve(id)) };
}

describe('TemplateMiner groups messages that differ only in variable parts', () => {
  it('groups numbered, timed and addressed variants of one message', () => {
    const { groups, miner } = learn([
      'image pull failed: registry.example.com/feed/api:1.2.3 timeout after 30s',
      'image pull failed: registry.example.com/user/svc:2.0.0-abc1234 timeout after 120s',
      'image pull failed: registry.example.com/feed/api:1.2.4 timeout after 1.5 min',
    ]);
    expect(new Set(groups).size).toBe(1);
    expect(miner.getCluster(groups[0]!)!.tokens.join(' ')).toBe('image pull failed: <*> timeout after <*>');
  });

  it('widens a position with many distinct words (user names) into a wildcard', () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const { groups, miner } = learn(users.map((u, i) => `Invalid user ${u} from 10.0.0.${i}`));
    expect(new Set(groups).size).toBe(1);
    expect(miner.getCluster(groups[0]!)!.tokens.join(' ')).toBe('Invalid user <*> from <*>');
  });

  it('does NOT merge messages that differ in a state or kind word', () => {
    const { groups } = learn([
      'task 12 transitioned from NEW to RUNNING',
      'task 13 transitioned from NEW to RUNNING',
      'task 12 transitioned from RUNNING to FAILED',
      'task 14 transitioned from RUNNING to SUCCEEDED',
      'task 15 transitioned from RUNNING to KILLED',
      'task 16 transitioned from NEW to KILLED',
    ]);
    expect(new Set(groups).size).toBe(5);
    expect(groups[0]).toBe(groups[1]);
  });

  it('does NOT merge messages whose first word differs, nor two alternatives of one word', () => {
    const { groups } = learn([
      'Accepted password for root from 1.2.3.4 port 22 ssh2',
      'Failed password for root from 1.2.3.4 port 22 ssh2',
      'health check failed: connection refused',
      'health check failed: connection reset',
    ]);
    expect(new Set(groups).size).toBe(4);
  });

  it('does not fork a class for a slightly longer message', () => {
    const miner = new TemplateMiner();
    const a = miner.add('config sync failed for key 17: value "x" rejected');
    const b = miner.add('config sync failed for key 18: value "a much longer value with spaces" rejected');
    const c = miner.add('lb attach failed: backend pool web-1 web-2 web-3 unavailable');
    const d = miner.add('lb attach failed: backend pool web-7 unavailable');
    miner.consolidate();
    expect(miner.resolve(a)).toBe(miner.resolve(b));
    expect(miner.resolve(c)).toBe(miner.resolve(d));
  });

  it('keeps the older id when a template widens, and keeps every id after a restart', () => {
    const miner = new TemplateMiner();
    const first = miner.add('Invalid user alice from 10.0.0.1');
    for (const u of ['bob', 'carol', 'dave', 'erin']) miner.add(`Invalid user ${u} from 10.0.0.2`);
    miner.consolidate();
    expect(miner.resolve(miner.add('Invalid user frank from 10.0.0.3'))).toBe(first);

    const restored = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(miner.toJSON())));
    expect(restored.resolve(restored.add('Invalid user mallory from 10.9.9.9'))).toBe(first);
    expect(restored.add('disk full on /var/lib/docker')).toBeGreaterThan(first);
    expect(restored.listClusters().map((c) => c.id).sort()).toEqual([...miner.listClusters().map((c) => c.id), restored.listClusters().at(-1)!.id].sort());
  });

  it('matches a message without learning it and extracts its parameters', () => {
    const { miner } = learn(['pull of app:1.2 failed after 30s', 'pull of web:2.0 failed after 12s']);
    const match = miner.match('pull of api:3.1 failed after 5s');
    expect(match).toMatchObject({ template: 'pull of <*> failed after <*>', params: ['api:3.1', '5s'] });
    expect(miner.match('something else entirely')).toBeNull();
  });
});
