import { describe, expect, it } from 'vitest';
import { describeChange, describeImport, describeMatch, describeRuleDecision } from '../../../lib/triage/rule-text';

const match = { kind: 'template' as const, pattern: 'pull <*>', stage: null, errorCode: null, service: null, attrs: {} };

describe('class rules in words', () => {
  it('says what a rule matches, condition by condition', () => {
    expect(describeMatch(match)).toBe('message matches the template “pull <*>”');
    expect(describeMatch({ kind: 'regex', pattern: 'oom|out of memory', stage: 'container-*', errorCode: 'E_OOM', service: 'pay-*', attrs: { image: 'registry/*' } }))
      .toBe('message contains /oom|out of memory/ (RE2, any case), stage container-*, error code E_OOM, service pay-*, attribute image = registry/*');
  });

  it('says what a change moved and which rankings it updated, or that sent ones stay as reported', () => {
    expect(describeChange({ scanned: 10_000, moved: 42, seconds: 1.26, classes: 3, weeks: ['2026-W48'], rankingSeconds: 0.4 }))
      .toBe('42 events re-classified in 1.3 s (10,000 events scanned); rankings of 2026-W48 updated in 0.4 s');
    expect(describeChange({ scanned: 1, moved: 1, seconds: 12.4, classes: 1, weeks: [], rankingSeconds: 0 }))
      .toBe('1 event re-classified in 12 s (1 event scanned); no ranking to update (rankings sent in a digest stay as reported)');
    expect(describeChange({ scanned: 0, moved: 0, seconds: 0.0123, classes: 0, weeks: ['2026-W48'], rankingSeconds: 0.05 })).toBe('0 events re-classified in 12 ms (0 events scanned); rankings of 2026-W48 updated in 50 ms');
  });

  it('tells rule decisions of the class log apart', () => {
    expect(describeRuleDecision({ action: 'create', rule: 3, name: 'Mirror', match })).toBe('rule 3 created as “Mirror”: message matches the template “pull <*>”');
    expect(describeRuleDecision({ action: 'edit', rule: 3, name: 'Mirror', match })).toBe('rule 3 edited (“Mirror”): message matches the template “pull <*>”');
    expect(describeRuleDecision({ action: 'move', rule: 3, position: 0 })).toBe('rule 3 moved to position 1');
    expect(describeRuleDecision({ action: 'delete', rule: 3, source: 'rules.json' })).toBe('rule 3 deleted from rules.json: its events went back to the miner\'s classes');
    expect(describeRuleDecision({ action: 'import', rule: 3, source: 'rules.json' })).toBe('rule 3 imported from rules.json');
    expect(describeRuleDecision(null)).toBe('rule ?: null');
  });

  it('says what an import created, updated and deleted, by name', () => {
    expect(describeImport('rules.json', ['A', 'B'], ['B', 'C'])).toBe('rules.json: 2 rules in order; created 1 (“C”); updated 1 (“B”); deleted 1 (“A”)');
    expect(describeImport('r.json', [], [])).toBe('r.json: 0 rules in order; created nothing; updated nothing; deleted nothing');
  });
});
