import { describe, expect, it } from 'vitest';
import { categorize, loadCategoryConfig, loadRoutingConfig, parseCategoryConfig, parseRoutingConfig, route } from '../../../lib/classify/rules';

const categories = loadCategoryConfig(null);
const facts = { stage: 'image-pull', service: 'feed-api', code: null, template: 'x' };

describe('category rules', () => {
  it.each([
    ['dial tcp: lookup registry.example.com on <*> no such host', 'name-service-register', 'dependency-name-service'],
    ['failed to pull image <*> rpc error: context deadline exceeded', 'image-pull', 'image-registry'],
    ['unauthorized: authentication required (token expired at <*>)', 'image-pull', 'permission'],
    ['insufficient quota in pool <*> requested cpu=<*>', 'resource-allocate', 'resource-capacity'],
    ['config sync failed: key <*> missing in namespace <*>', 'config-sync', 'configuration'],
    ['salt-minion on <*> did not respond within <*>', 'host-init', 'timeout'],
    ['remote error: tls: handshake failure', 'lb-attach', 'network'],
    ['readiness probe failed: dependency <*> unreachable', 'health-check', 'health-check'],
    ['something nobody has seen', 'host-init', 'unknown'],
  ])('puts "%s" (%s) in %s', (template, stage, category) => {
    expect(categorize(categories, { ...facts, template, stage }).category).toBe(category);
  });

  it('takes the first matching rule, matching stage, message and code together', () => {
    const config = parseCategoryConfig(
      { categories: ['a', 'b', 'unknown'], rules: [
        { id: 'only-on-push', category: 'a', stages: ['image-push'], message: 'boom' },
        { id: 'by-code', category: 'b', code: '^E_BOOM$' },
        { id: 'any-boom', category: 'a', message: 'boom' },
      ] },
      'test',
    );
    expect(categorize(config, { ...facts, template: 'boom', code: 'E_BOOM' })).toEqual({ category: 'b', rule: 'by-code' });
    expect(categorize(config, { ...facts, template: 'boom', stage: 'image-push', code: 'E_BOOM' })).toEqual({ category: 'a', rule: 'only-on-push' });
    expect(categorize(config, { ...facts, template: 'BOOM!' })).toEqual({ category: 'a', rule: 'any-boom' });
  });

  it('reports config errors with the path of the bad field', () => {
    expect(() => parseCategoryConfig({ categories: ['a'], rules: [{ id: 'r', category: 'z', message: '(' }] }, 'cats.json')).toThrow(
      /cats\.json: invalid configuration[\s\S]*rules\.0\.message: is not a valid regular expression[\s\S]*categories: must include "unknown"[\s\S]*rules\.0\.category: "z" is not in categories/,
    );
  });
});

describe('ownership routing', () => {
  const classFacts = { ...facts, template: 'pull of <*> failed', category: 'image-registry', attrs: { region: 'eu-1', image: 'reg/feed:1' } };

  it('takes the first rule whose conditions all hold, else the stage owner', () => {
    const config = parseRoutingConfig(
      { rules: [
        { id: 'payments', owner: 'sre', match: { service: ['payments-*'] } },
        { id: 'eu-registry', owner: 'compute', assignee: 'chen.jing', match: { stage: ['image-pull'], category: ['image-registry'], attrs: { region: '^eu-' } } },
        { id: 'feed', owner: 'traffic', match: { service: ['feed-*'] } },
      ] },
      'test',
    );
    expect(route(config, classFacts, 'registry')).toEqual({ owner: 'compute', assignee: 'chen.jing', rule: 'eu-registry' });
    expect(route(config, { ...classFacts, attrs: { region: 'us-1' } }, 'registry')).toEqual({ owner: 'traffic', assignee: null, rule: 'feed' });
    expect(route(config, { ...classFacts, service: 'payments-api' }, 'registry')).toMatchObject({ owner: 'sre', rule: 'payments' });
    expect(route(config, { ...classFacts, service: 'user-svc', attrs: {} }, 'registry')).toEqual({ owner: 'registry', assignee: null, rule: 'stage-owner' });
  });

  it('ships default rules that load, and refuses unknown match fields', () => {
    expect(loadRoutingConfig(null).rules.length).toBeGreaterThan(0);
    expect(() => parseRoutingConfig({ rules: [{ id: 'x', owner: 'sre', match: { hosts: ['a'] } }] }, 'routing.json')).toThrow(/routing\.json[\s\S]*rules\.0\.match: Unrecognized key/);
  });
});
