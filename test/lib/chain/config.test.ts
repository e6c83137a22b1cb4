import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChainConfig, parseChainConfig } from '../../../lib/chain/config';

describe('the chain config', () => {
  it('ships the default chain from the product brief, 17 stages in order, each with an owning team', () => {
    const chain = loadChainConfig(null);
    expect(chain.stages.map((s) => s.key)).toEqual([
      'test-build', 'package-publish', 'prerelease-deploy', 'image-build', 'image-push', 'resource-allocate', 'host-init', 'image-pull',
      'container-create', 'container-start', 'config-sync', 'health-check', 'name-service-register', 'lb-attach', 'canary-traffic', 'full-traffic', 'monitor-attach',
    ]);
    const teams = new Set(chain.teams.map((t) => t.id));
    expect(chain.stages.every((s) => teams.has(s.owner))).toBe(true);
  });

  it('names the file and the field of each error', () => {
    const bad = { teams: [{ id: 'ops', name: 'Ops', email: 'not-an-email' }], stages: [{ key: 'a', name: 'A', owner: 'ops' }, { key: 'a', name: 'A2', owner: 'nobody' }] };
    expect(() => parseChainConfig(bad, 'chain.json')).toThrow(/chain\.json: invalid chain config[\s\S]*teams\.0\.email[\s\S]*stages\.1\.key: duplicate stage key "a"[\s\S]*stages\.1\.owner: unknown team "nobody"/);
  });

  it('reads a custom chain file and reports one that is not JSON', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-chain-'));
    const good = path.join(dir, 'chain.json');
    writeFileSync(good, JSON.stringify({ teams: [{ id: 'ops', name: 'Ops', email: 'ops@example.com' }], stages: [{ key: 'deploy', name: 'Deploy', owner: 'ops' }] }));
    expect(loadChainConfig(good).stages).toEqual([{ key: 'deploy', name: 'Deploy', owner: 'ops' }]);
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{ stages: ');
    expect(() => loadChainConfig(broken)).toThrow(new RegExp(`${broken}: cannot read chain config`));
  });
});
