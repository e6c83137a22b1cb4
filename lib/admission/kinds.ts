import type { RuleKind } from './kind';
import { accountableOwner } from './kinds/accountable-owner';
import { maxManualInterventions } from './kinds/max-manual-interventions';
import { stageSuccessFloor } from './kinds/stage-success-floor';

/** The built-in rule kinds, by name. */
export const RULE_KINDS: Record<string, RuleKind<unknown>> = Object.fromEntries(
  [stageSuccessFloor, maxManualInterventions, accountableOwner].map((k) => [k.kind, k as RuleKind<unknown>]),
);
