import { z } from 'zod';
import type { Db } from '../db';
import { RECORD_LIMITS, storableString } from '../ingest/record';
import { inChunks } from '../sql';
import type { AdmissionPolicy, AdmissionRuleConfig } from './config';
import type { EvaluateContext, PreflightRequest, PreflightVerdict } from './kind';
import { RULE_KINDS } from './kinds';

export const PREFLIGHT_MAX_HOSTS = 10_000;
export const PREFLIGHT_MAX_STAGES = 1_000;
// Subjects per lookup: well below either database's limit on bound parameters.
const LOOKUP_CHUNK = 500;

/**
 * The pre-flight check: a pipeline describes a rollout before it starts and learns whether the
 * admission rules allow it. Each rule answers pass, fail or skip (or error when it could not be
 * checked); its mode decides what a failure does: `enforce` denies, `warn` allows with a warning,
 * `audit` is only recorded. A rule that errs never denies (fail open) and is reported as a warning.
 */
// The same limits as the fields of an ingested record (lib/ingest/record.ts); hosts are deduplicated.
export const preflightRequestSchema = z
  .object({
    service: storableString(200),
    env: z.enum(['test', 'prerelease', 'online']),
    hosts: z.array(storableString(255)).max(PREFLIGHT_MAX_HOSTS).default([]).transform((hosts) => [...new Set(hosts)]),
    image: storableString(RECORD_LIMITS.maxAttrValueLength).nullable().default(null),
    stages: z.array(storableString(100)).max(PREFLIGHT_MAX_STAGES).default([]),
  })
  .strict();

export type RuleResult = {
  rule: string;
  title: string;
  kind: string;
  mode: AdmissionRuleConfig['mode'];
  severity: AdmissionRuleConfig['severity'];
  /** Gatekeeper/Kyverno words: a failing `warn` rule answers `warn`; a failing `audit` rule stays `fail` but decides nothing. */
  result: 'pass' | 'fail' | 'warn' | 'skip' | 'error';
  reasons: string[];
};
export type PreflightAnswer = {
  decision: 'allow' | 'deny';
  /** The enforce rules that failed: why the answer is deny. */
  denied: RuleResult[];
  /** The warn rules that failed, and rules that could not be checked. */
  warnings: RuleResult[];
  results: RuleResult[];
};

/** Kinds without a preflight of their own: the request's service, hosts or stages with an open violation fail. */
async function openViolationVerdicts(db: Db, rules: AdmissionRuleConfig[], req: PreflightRequest): Promise<Map<string, PreflightVerdict>> {
  const verdicts = new Map<string, PreflightVerdict>(rules.map((r) => [r.id, { result: 'pass', reasons: [] }]));
  if (rules.length === 0) return verdicts;
  const find = (subjectType: string, ids: string[]) =>
    db.prisma.admissionViolation.findMany({
      where: { ruleId: { in: rules.map((r) => r.id) }, status: { in: ['open', 'acknowledged'] }, subjectType, subjectId: { in: ids } },
      select: { ruleId: true, subjectType: true, subjectId: true, firstSeen: true },
    });
  const open = [
    ...(await find('service', [req.service])),
    ...(await inChunks(req.hosts, LOOKUP_CHUNK, (chunk) => find('host', chunk))),
    ...(await inChunks(req.stages, LOOKUP_CHUNK, (chunk) => find('stage', chunk))),
  ].sort((a, b) => a.subjectType.localeCompare(b.subjectType) || a.subjectId.localeCompare(b.subjectId));
  for (const v of open) {
    const verdict = verdicts.get(v.ruleId)!;
    verdict.result = 'fail';
    verdict.reasons.push(`${v.subjectType} ${v.subjectId} has an open violation since ${v.firstSeen.toISOString()} (/admission/${v.ruleId})`);
  }
  return verdicts;
}

function withMode(rule: AdmissionRuleConfig, verdict: PreflightVerdict | { result: 'error'; reasons: string[] }): RuleResult {
  const result = verdict.result === 'fail' && rule.mode === 'warn' ? 'warn' : verdict.result;
  return { rule: rule.id, title: rule.title, kind: rule.kind, mode: rule.mode, severity: rule.severity, result, reasons: verdict.reasons };
}

export async function preflightCheck(deps: { db: Db; policy: AdmissionPolicy; now?: Date; timeZone: string }, req: PreflightRequest): Promise<PreflightAnswer> {
  const ctx: EvaluateContext = { db: deps.db, now: deps.now ?? new Date(), timeZone: deps.timeZone, images: deps.policy.images };
  const generic = deps.policy.rules.filter((r) => !RULE_KINDS[r.kind]!.preflight);
  const [fallback, own] = await Promise.all([
    openViolationVerdicts(deps.db, generic, req),
    Promise.all(
      deps.policy.rules.map(async (rule) => {
        const preflight = RULE_KINDS[rule.kind]!.preflight;
        if (!preflight) return null;
        try {
          return await preflight(ctx, rule.config, req);
        } catch (error) {
          return { result: 'error' as const, reasons: [`could not be checked: ${(error as Error).message}`] };
        }
      }),
    ),
  ]);
  const results = deps.policy.rules.map((rule, i) => withMode(rule, own[i] ?? fallback.get(rule.id)!));
  const denied = results.filter((r) => r.result === 'fail' && r.mode === 'enforce');
  const warnings = results.filter((r) => r.result === 'warn' || r.result === 'error');
  return { decision: denied.length ? 'deny' : 'allow', denied, warnings, results };
}

/** Records a pre-flight answer with the rules that did not pass (audit-mode failures live only here and in the answer). */
export async function recordPreflight(db: Db, token: string, req: PreflightRequest, answer: PreflightAnswer, at = new Date()): Promise<number> {
  const row = await db.prisma.admissionPreflight.create({
    data: { at, token, service: req.service, env: req.env, hosts: req.hosts.length, image: req.image, decision: answer.decision, results: answer.results.filter((r) => r.result !== 'pass' && r.result !== 'skip') as object[] },
  });
  return row.id;
}
