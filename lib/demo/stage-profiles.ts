/**
 * Per-stage tuning for the demo generator, keyed by the default chain's stage keys. The chain is
 * configurable, so any other key falls back to GENERIC_STAGE_PROFILE.
 */
export type DemoEnv = 'test' | 'prerelease' | 'online';

export type StageProfile = {
  /** First-attempt failure rate when every cause is at its usual frequency. */
  failRate: number;
  medianMs: number;
  /** Log-normal spread of the duration; larger means a longer tail. */
  sigma: number;
  env: DemoEnv;
  /** Whether records carry the rollout's image tag in attrs.image. */
  image?: boolean;
  /** Chance the stage is skipped in any rollout (e.g. hosts already initialised). */
  skipRate?: number;
  /** Skipped for services flagged small (no canary for a handful of hosts). */
  skipForSmall?: boolean;
};

const SECOND = 1000;
const MINUTE = 60 * SECOND;

// Rates chosen so most stages sit at 0.3–2% and image-pull, health-check and name-service-register
// stand out, which is what the story's weekly ranking should surface; yield lands near 85%.
const STAGE_PROFILES: Readonly<Record<string, StageProfile>> = {
  'test-build': { failRate: 0.02, medianMs: 4 * MINUTE, sigma: 0.4, env: 'test' },
  'package-publish': { failRate: 0.008, medianMs: 40 * SECOND, sigma: 0.5, env: 'test' },
  'prerelease-deploy': { failRate: 0.01, medianMs: 90 * SECOND, sigma: 0.4, env: 'prerelease' },
  'image-build': { failRate: 0.018, medianMs: 6 * MINUTE, sigma: 0.45, env: 'prerelease', image: true },
  'image-push': { failRate: 0.012, medianMs: 45 * SECOND, sigma: 0.6, env: 'prerelease', image: true },
  'resource-allocate': { failRate: 0.01, medianMs: 5 * SECOND, sigma: 0.7, env: 'online' },
  'host-init': { failRate: 0.009, medianMs: 70 * SECOND, sigma: 0.5, env: 'online', skipRate: 0.15 },
  'image-pull': { failRate: 0.05, medianMs: 50 * SECOND, sigma: 0.8, env: 'online', image: true },
  'container-create': { failRate: 0.006, medianMs: 3 * SECOND, sigma: 0.5, env: 'online', image: true },
  'container-start': { failRate: 0.012, medianMs: 8 * SECOND, sigma: 0.6, env: 'online', image: true },
  'config-sync': { failRate: 0.015, medianMs: 12 * SECOND, sigma: 0.6, env: 'online' },
  'health-check': { failRate: 0.055, medianMs: 30 * SECOND, sigma: 0.7, env: 'online' },
  'name-service-register': { failRate: 0.04, medianMs: 2 * SECOND, sigma: 0.8, env: 'online' },
  'lb-attach': { failRate: 0.008, medianMs: 4 * SECOND, sigma: 0.5, env: 'online' },
  'canary-traffic': { failRate: 0.01, medianMs: 10 * MINUTE, sigma: 0.3, env: 'online', skipForSmall: true },
  'full-traffic': { failRate: 0.005, medianMs: 5 * MINUTE, sigma: 0.3, env: 'online' },
  'monitor-attach': { failRate: 0.003, medianMs: 3 * SECOND, sigma: 0.5, env: 'online' },
};

/** For stage keys the demo does not know: a modest online step. */
export const GENERIC_STAGE_PROFILE: StageProfile = { failRate: 0.01, medianMs: 20 * SECOND, sigma: 0.6, env: 'online' };

export function getStageProfile(stage: string): StageProfile {
  return STAGE_PROFILES[stage] ?? GENERIC_STAGE_PROFILE;
}
