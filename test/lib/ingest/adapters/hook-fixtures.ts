import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadChainConfig } from '../../../../lib/chain/config';
import { buildStageMap, type StageMapRule } from '../../../../lib/ingest/adapters/stage-map';

/** The example payloads the tests run on (see fixtures/SOURCES.md for where each comes from). */
type GithubEventExamples = { name: string; examples: Record<string, unknown>[] }[];
const require = createRequire(import.meta.url);
const octokit = require('@octokit/webhooks-examples/api.github.com/index.json') as GithubEventExamples;

export const githubExamples = (event: 'workflow_job' | 'workflow_run') => octokit.find((e) => e.name === event)!.examples;

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
export const gitlabPipelineHook = () => JSON.parse(fixture('gitlab-pipeline-hook.json')) as Record<string, unknown>;
export const gitlabJobHook = () => JSON.parse(fixture('gitlab-job-hook.json')) as Record<string, unknown>;

/** Rules that map the examples' job names onto the default chain (names the default chain does not know by itself). */
export const EXAMPLE_RULES: StageMapRule[] = [
  { name: 'linters', stage: 'test-build' },
  { name: 'test', stage: 'test-build' },
  { name: 'build-image', stage: 'image-build' },
  { name: 'test-image', stage: 'test-build' },
  { name: 'production', stage: 'full-traffic' },
  { regex: '^analyze', stage: 'test-build' },
];

export function exampleChain() {
  const chain = loadChainConfig(null);
  return { ...chain, stageMap: EXAMPLE_RULES };
}

export const exampleStageMap = () => buildStageMap(loadChainConfig(null).stages, EXAMPLE_RULES);
