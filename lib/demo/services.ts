import { buildCumulative, deriveSeed, SeededRandom } from './random';

/** One demo service with the hosts its rollouts use. */
export type DemoService = {
  name: string;
  /** Registry project, e.g. "feed" in registry.example.com/feed/feed-api. */
  project: string;
  region: string;
  /** The fixed pre-release (image build) host the admission rules require. */
  prereleaseHost: string;
  onlineHosts: string[];
  /** Small services get no canary stage and deploy to a couple of hosts. */
  small: boolean;
  maxBatch: number;
  /** Fixed major.minor of the version; the patch counts rollouts. */
  release: string;
};

export type ServiceCatalogue = {
  services: DemoService[];
  /** Cumulative pick weights: a few services deploy far more often than the rest. */
  cumulative: Float64Array;
  prereleaseHosts: string[];
  testHosts: string[];
};

const PREFIXES = [
  'feed', 'user', 'search', 'message', 'notify', 'photo', 'video', 'comment', 'like', 'friend',
  'timeline', 'ad', 'payment', 'auth', 'session', 'geo', 'tag', 'trend', 'recommend', 'media',
  'live', 'group', 'event', 'chat', 'gift', 'wallet', 'report', 'audit', 'upload', 'account',
];
const MIDDLES = ['profile', 'graph', 'rank', 'index', 'meta', 'push', 'count', 'config'];
const SUFFIXES = ['api', 'svc', 'worker', 'gateway', 'cache', 'indexer', 'sync', 'scheduler', 'web', 'rpc', 'consumer', 'proxy'];
const REGIONS = ['cn-north-1', 'cn-east-2', 'cn-south-1'];
/** Names must not change with the seed, so demo screenshots and docs keep the same services. */
const NAME_SEED = 20_240_601;
const HOSTS_PER_RACK = 48;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `count` distinct service names like feed-api or user-profile-svc, the same for every seed. */
export function buildServiceNames(count: number): string[] {
  const rng = new SeededRandom(NAME_SEED);
  const pairs = PREFIXES.flatMap((p) => SUFFIXES.map((s) => `${p}-${s}`));
  const triples = PREFIXES.flatMap((p) => MIDDLES.flatMap((m) => SUFFIXES.map((s) => `${p}-${m}-${s}`)));
  const names = [...shuffle(pairs, rng).slice(0, Math.ceil(count * 0.7)), ...shuffle(triples, rng)];
  const ordered = shuffle(names.slice(0, Math.min(count, names.length)), rng);
  for (let i = ordered.length; i < count; i++) ordered.push(`${names[i % names.length] ?? 'svc'}-${Math.floor(i / names.length) + 1}`);
  return ordered;
}

function shuffle<T>(items: T[], rng: SeededRandom): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** An online host name from a per-datacenter host number, e.g. host-a12-034.dc2.example.net. */
function formatOnlineHost(dc: number, id: number): string {
  const rack = Math.floor(id / HOSTS_PER_RACK);
  return `host-${'abcdefgh'[rack % 8]}${pad(Math.floor(rack / 8) + 1, 2)}-${pad((id % HOSTS_PER_RACK) + 1, 3)}.dc${dc}.example.net`;
}

function buildHostPool(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${pad(Math.floor(i / 20) + 1, 2)}-${pad((i % 20) + 1, 3)}.dc1.example.net`);
}

/** The services, their hosts and deploy weights for one seed. */
export function buildServiceCatalogue(count: number, seed: number): ServiceCatalogue {
  const rng = new SeededRandom(deriveSeed(seed, 'services'));
  const prereleaseHosts = buildHostPool('pre-b', Math.max(4, Math.ceil(count / 5)));
  const testHosts = buildHostPool('test-c', Math.max(4, Math.ceil(count / 10)));
  // Hosts are shared between services, as containers of several services share a machine.
  const hostsPerDc = Math.max(16, count * 3);
  const weights: number[] = [];
  const services = buildServiceNames(count).map((name): DemoService => {
    const dc = rng.int(1, 4);
    const size = rng.next();
    const small = size < 0.1;
    const poolSize = small ? rng.int(2, 5) : size < 0.75 ? rng.int(4, 13) : rng.int(12, 41);
    weights.push(rng.lognormal(1, 0.9));
    return {
      name,
      project: name.split('-')[0] ?? name,
      region: REGIONS[dc - 1] ?? 'cn-north-1',
      prereleaseHost: rng.pick(prereleaseHosts),
      onlineHosts: [...new Set(Array.from({ length: poolSize }, () => formatOnlineHost(dc, rng.int(0, hostsPerDc))))],
      small,
      maxBatch: small ? 2 : Math.min(poolSize, rng.int(4, 41)),
      release: `${rng.int(1, 4)}.${rng.int(0, 20)}`,
    };
  });
  return { services, cumulative: buildCumulative(weights), prereleaseHosts, testHosts };
}
