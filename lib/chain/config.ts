import { readFileSync } from 'node:fs';
import { z } from 'zod';
import defaultChain from './default-chain.json';
import { stageMapRuleSchema } from '../ingest/adapters/stage-map';

/** The production chain: ordered stages, the teams that own them and their people (lib/chain/default-chain.json). */
export const chainConfigSchema = z
  .object({
    teams: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
          name: z.string().min(1),
          email: z.email(),
          leadEmail: z.email().optional(),
        }),
      )
      .min(1),
    people: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, dots and dashes'),
          name: z.string().min(1),
          email: z.email(),
          team: z.string(),
        }),
      )
      .default([]),
    stages: z
      .array(
        z.object({
          key: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
          name: z.string().min(1),
          owner: z.string(),
        }),
      )
      .min(1),
    /** How CI job and task names map onto stage keys (OpenTelemetry, GitHub and GitLab adapters). */
    stageMap: z.array(stageMapRuleSchema).max(500).default([]),
  })
  .superRefine((chain, ctx) => {
    const teams = new Set(chain.teams.map((t) => t.id));
    chain.people.forEach((person, i) => {
      if (!teams.has(person.team)) ctx.addIssue({ code: 'custom', path: ['people', i, 'team'], message: `unknown team "${person.team}"` });
      if (teams.has(person.id)) ctx.addIssue({ code: 'custom', path: ['people', i, 'id'], message: `"${person.id}" is already a team id` });
    });
    const seen = new Set<string>();
    chain.stages.forEach((stage, i) => {
      if (seen.has(stage.key)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'key'], message: `duplicate stage key "${stage.key}"` });
      seen.add(stage.key);
      if (!teams.has(stage.owner)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'owner'], message: `unknown team "${stage.owner}"` });
    });
    chain.stageMap.forEach((rule, i) => {
      if (!seen.has(rule.stage)) ctx.addIssue({ code: 'custom', path: ['stageMap', i, 'stage'], message: `unknown stage "${rule.stage}"` });
    });
  });

export type ChainConfig = z.infer<typeof chainConfigSchema>;

export class ChainConfigError extends Error {
  override name = 'ChainConfigError';
}

/** Validates a chain config; errors name the file and the field path. */
export function parseChainConfig(data: unknown, source: string): ChainConfig {
  const parsed = chainConfigSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ChainConfigError(`${source}: invalid chain config\n${lines.join('\n')}`);
}

/** The configured chain: the file named by ROLLSCOPE_CHAIN_FILE, or the shipped default. */
export function loadChainConfig(file: string | null): ChainConfig {
  if (!file) return parseChainConfig(defaultChain, 'lib/chain/default-chain.json');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ChainConfigError(`${file}: cannot read chain config: ${(error as Error).message}`);
  }
  return parseChainConfig(data, file);
}
