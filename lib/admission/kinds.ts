import type { RuleKind } from './kind';
import { accountableOwner } from './kinds/accountable-owner';
import { fixedPrereleaseHost } from './kinds/fixed-prerelease-host';
import { maxManualInterventions } from './kinds/max-manual-interventions';
import { mixedHost } from './kinds/mixed-host';
import { stageSuccessFloor } from './kinds/stage-success-floor';

/** The built-in rule kinds, by name. */
export const RULE_KINDS: Record<string, RuleKind<unknown>> = Object.fromEntries(
  [stageSuccessFloor, maxManualInterventions, accountableOwner, mixedHost, fixedPrereleaseHost].map((k) => [k.kind, k as RuleKind<unknown>]),
);
