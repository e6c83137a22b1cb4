import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadChainConfig, parseChainConfig } from '../../../../lib/chain/config';
import { buildStageMap, slugOf } from '../../../../lib/ingest/adapters/stage-map';

const chain = loadChainConfig(null);

describe('the CI job → stage mapping', () => {
  it('maps every stage key and name, whatever the case and separators, with no rules', () => {
    const m = buildStageMap(chain.stages);
    for (const s of chain.stages) {
      expect(m.map(s.key)).toBe(s.key);
      expect(m.map(s.name.toUpperCase())).toBe(s.key);
      expect(m.map(`  ${s.name.replaceAll(' ', '_')} `)).toBe(s.key);
    }
    expect(m.map('Run the unit tests')).toBeNull();
  });

  it('lets rules win, in order, by whole name or by regex, and never maps onto a stage the chain lacks', () => {
    const m = buildStageMap(chain.stages, [
      { name: 'Build and push', stage: 'image-build' },
      { regex: '^deploy-(eu|us)-canary', stage: 'canary-traffic' },
      { regex: 'deploy', stage: 'full-traffic' },
      { name: 'gone', stage: 'no-such-stage' },
    ]);
    expect(m.map(' build AND push ')).toBe('image-build');
    expect(m.map('Build and push images')).toBeNull();
    expect(m.map('deploy-eu-canary-1')).toBe('canary-traffic');
    expect(m.map('deploy-prod')).toBe('full-traffic');
    expect(m.map('gone')).toBeNull();
  });

  it('maps any name to a chain stage or to nothing', () => {
    const keys = new Set(chain.stages.map((s) => s.key));
    const m = buildStageMap(chain.stages, [{ regex: 'pull', stage: 'image-pull' }]);
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (name) => {
      const stage = m.map(name);
      expect(stage === null || keys.has(stage)).toBe(true);
      if (slugOf(name) === 'health-check' && !/pull/i.test(name)) expect(stage).toBe('health-check');
    }));
  });

  it('is checked with the chain config: a bad regex, both or neither of name and regex, or an unknown stage name the field', () => {
    const bad = (stageMap: unknown[]) => () => parseChainConfig({ ...chain, stageMap }, 'chain.json');
    expect(bad([{ regex: '(unclosed', stage: 'image-pull' }])).toThrow(/stageMap\.0\.regex: is not a regular expression RE2 accepts/);
    expect(bad([{ name: 'a', regex: 'b', stage: 'image-pull' }])).toThrow(/stageMap\.0: give exactly one of name or regex/);
    expect(bad([{ stage: 'image-pull' }])).toThrow(/stageMap\.0: give exactly one of name or regex/);
    expect(bad([{ name: 'x', stage: 'image-pull' }, { name: 'y', stage: 'nope' }])).toThrow(/stageMap\.1\.stage: unknown stage "nope"/);
  });
});
