import type { RuleKind } from './kind';
import { accountableOwner } from './kinds/accountable-owner';
import { chainLength } from './kinds/chain-length';
import { fixedPrereleaseHost } from './kinds/fixed-prerelease-host';
import { imageProvenance } from './kinds/image-provenance';
import { maxManualInterventions } from './kinds/max-manual-interventions';
import { mixedHost } from './kinds/mixed-host';
import { stageDuration } from './kinds/stage-duration';
import { stageSuccessFloor } from './kinds/stage-success-floor';

/** The built-in rule kinds, by name. */
export const RULE_KINDS: Record<string, RuleKind<unknown>> = Object.fromEntries(
  [stageSuccessFloor, stageDuration, maxManualInterventions, accountableOwner, mixedHost, fixedPrereleaseHost, imageProvenance, chainLength].map((k) => [k.kind, k as RuleKind<unknown>]),
);
