import type { SeededRandom } from '../random';

/** The services of a ranking world, their releases (cohorts) and when in the week rollouts start. */
export type WorldRelease = { version: string; /** Epoch ms from which rollouts of the service use it. */ from: number };
export type WorldService = {
  name: string;
  /** Share of the week's rollouts. */
  weight: number;
  /** Small services skip the canary (stage profile). */
  small: boolean;
  releases: WorldRelease[];
};
/** One release of one service: the rollouts that carry it. `share` is its expected share of all rollouts. */
export type Cohort = { id: number; service: number; release: number; label: string; share: number };

const HOUR_MS = 3_600_000;
/** Rollouts start from Monday 00:00 until Sunday 20:00, so even a slow chain ends inside the week. */
export const START_HOURS = 6 * 24 + 20;
/** Relative volume per hour of the day (UTC): working hours busy, nights quiet. */
const HOUR_SHAPE = [
  0.2, 0.15, 0.1, 0.1, 0.15, 0.25, 0.5, 0.9, 1.4, 1.8, 1.9, 1.8,
  1.3, 1.6, 1.9, 1.9, 1.7, 1.3, 0.9, 0.6, 0.45, 0.35, 0.3, 0.25,
];
/** Monday … Sunday: weekends see less than half the weekday volume. */
const DAY_SHAPE = [1.15, 1.2, 1.2, 1.15, 1.0, 0.5, 0.4];
const PREFIXES = [
  'feed', 'pay', 'cart', 'search', 'user', 'order', 'geo', 'ads', 'mail', 'auth',
  'media', 'chat', 'promo', 'stock', 'price', 'review', 'ship', 'notify', 'report', 'rank',
];
const SUFFIXES = ['api', 'svc', 'worker', 'gateway', 'indexer', 'sync', 'web', 'job', 'proxy', 'store'];
/** How many releases a service has in the week: 1 to 4, fewer more often. */
const RELEASE_COUNT_WEIGHTS = [0.3, 0.3, 0.25, 0.15];

/** Cumulative weights of the START_HOURS start slots (hour h of the week). */
export function buildStartCumulative(): Float64Array {
  const out = new Float64Array(START_HOURS);
  let sum = 0;
  for (let h = 0; h < START_HOURS; h++) {
    sum += (DAY_SHAPE[Math.floor(h / 24)] ?? 1) * (HOUR_SHAPE[h % 24] ?? 1);
    out[h] = sum;
  }
  return out;
}

/** Share of rollout starts in [from, to) (epoch ms), slots taken as uniform within their hour. */
function startShare(cumulative: Float64Array, weekStart: number, from: number, to: number): number {
  const total = cumulative[cumulative.length - 1] ?? 1;
  let share = 0;
  for (let h = 0; h < START_HOURS; h++) {
    const lo = weekStart + h * HOUR_MS;
    const overlap = Math.max(0, Math.min(to, lo + HOUR_MS) - Math.max(from, lo)) / HOUR_MS;
    share += overlap * ((cumulative[h] ?? 0) - (cumulative[h - 1] ?? 0));
  }
  return share / total;
}

function nextVersion(rng: SeededRandom, version: string): string {
  const [major = 1, minor = 0, patch = 0] = version.split('.').map(Number);
  return rng.chance(0.6) ? `${major}.${minor}.${patch + 1}` : `${major}.${minor + 1}.0`;
}

/** 40–80 services with Zipf-like weights, each with 1–4 releases spread over the week. */
export function buildServices(rng: SeededRandom, weekStart: number): WorldService[] {
  const count = rng.int(40, 81);
  const names = PREFIXES.flatMap((p) => SUFFIXES.map((s) => `${p}-${s}`));
  for (let i = names.length - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  const exponent = 0.8 + 0.5 * rng.next();
  const raw = Array.from({ length: count }, (_, i) => 1 / (i + 1) ** exponent);
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((w, i) => {
    const releases = rng.pickWeighted([1, 2, 3, 4], cumulativeOf(RELEASE_COUNT_WEIGHTS));
    const starts = Array.from({ length: releases - 1 }, () => weekStart + rng.next() * START_HOURS * HOUR_MS).sort((a, b) => a - b);
    let version = `${rng.int(1, 5)}.${rng.int(0, 30)}.${rng.int(0, 10)}`;
    const list: WorldRelease[] = [{ version, from: weekStart }];
    for (const from of starts) {
      version = nextVersion(rng, version);
      list.push({ version, from });
    }
    return { name: names[i]!, weight: w / sum, small: i >= Math.floor(count * 0.7), releases: list };
  });
}

function cumulativeOf(weights: readonly number[]): Float64Array {
  let sum = 0;
  return Float64Array.from(weights, (w) => (sum += w));
}

/** Every (service, release) as a cohort, with its expected share of the week's rollouts. */
export function buildCohorts(services: readonly WorldService[], weekStart: number): { cohorts: Cohort[]; firstCohort: Int32Array } {
  const cumulative = buildStartCumulative();
  const end = weekStart + START_HOURS * HOUR_MS;
  const cohorts: Cohort[] = [];
  const firstCohort = new Int32Array(services.length);
  services.forEach((service, s) => {
    firstCohort[s] = cohorts.length;
    service.releases.forEach((release, r) => {
      const to = service.releases[r + 1]?.from ?? end;
      const share = service.weight * startShare(cumulative, weekStart, release.from, to);
      cohorts.push({ id: cohorts.length, service: s, release: r, label: `${service.name}@${release.version}`, share });
    });
  });
  return { cohorts, firstCohort };
}
