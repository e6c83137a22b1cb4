import { deriveSeed, SeededRandom } from './random';

/**
 * The demo failure-cause catalogue. Each cause is one "error class" the classifier should find:
 * a message template whose variable parts (hosts, IPs, tags, ids, durations) change per event.
 */
export type CauseProfile =
  | { kind: 'steady' }
  /** Appears only in the last RECENT_DAYS of the range, so digests have "new" classes to report. */
  | { kind: 'new' }
  /** Frequency multiplied by `factor` over the last RECENT_DAYS (a regression). */
  | { kind: 'rising'; factor: number }
  /** Stops after `at` (fraction of the range): someone fixed it. */
  | { kind: 'fixed'; at: number }
  /** Mostly quiet, with incident days at ~12x the usual rate. */
  | { kind: 'burst' };

export type MessageContext = {
  rng: SeededRandom;
  service: string;
  stage: string;
  host: string;
  image: string;
  region: string;
  /** Epoch ms of the failed attempt. */
  at: number;
};

export type FailureCause = {
  id: string;
  errorCode: string;
  /** Stage keys where the cause occurs; '*' means any stage (used for unknown stages too). */
  stages: readonly string[];
  weight: number;
  /** Chance an unattended retry fails again the same way: transient faults clear, config errors don't. */
  sticky: number;
  profile?: CauseProfile;
  buildMessage: (ctx: MessageContext) => string;
};

/** Window for "new" and "rising" causes; matches the weekly digest's look-back. */
export const RECENT_DAYS = 7;

const ms = (r: SeededRandom, lo: number, hi: number): string => `${r.int(lo, hi)}ms`;
const port = (r: SeededRandom): number => r.pick([8080, 8000, 8443, 9090, 7001]);
const tagOf = (image: string): string => image.slice(image.lastIndexOf(':') + 1);
const dc = (r: SeededRandom): string => `dc${r.int(1, 4)}`;
const container = (c: MessageContext): string => `${c.service}-${c.rng.int(0, 40)}`;
/** Salt job ids are a timestamp plus digits, e.g. 20261028103906754123. */
const jid = (at: number, r: SeededRandom): string => `${new Date(at).toISOString().replace(/\D/g, '')}${r.int(100, 1000)}`;

export const FAILURE_CAUSES: readonly FailureCause[] = [
  { id: 'unit-test-failure', errorCode: 'E_TEST_FAILED', stages: ['test-build'], weight: 6, sticky: 0.85,
    buildMessage: ({ rng, service }) => `${rng.int(1, 9)} of ${rng.int(120, 900)} tests failed in src/${service.split('-')[0]}/handler_test.go (first: TestHandle${rng.pick(['Timeout', 'Retry', 'Empty', 'Auth'])}, seed=${rng.int(1000, 99999)})` },
  { id: 'dependency-fetch-timeout', errorCode: 'E_DEP_FETCH', stages: ['test-build'], weight: 4, sticky: 0.3,
    buildMessage: ({ rng }) => `go: downloading git.example.com/platform/${rng.pick(['rpc', 'log', 'metrics'])} v1.${rng.int(0, 30)}.${rng.int(0, 9)}: dial tcp ${rng.ip()}:443: i/o timeout` },
  { id: 'compile-error', errorCode: 'E_COMPILE', stages: ['test-build'], weight: 3, sticky: 0.9,
    buildMessage: ({ rng, service }) => `build failed: src/${service.split('-')[0]}/api.go:${rng.int(20, 900)}:${rng.int(2, 60)}: undefined: proto.${rng.pick(['ProfileV2', 'FeedItem', 'Cursor'])}` },
  { id: 'package-version-exists', errorCode: 'E_PKG_VERSION_EXISTS', stages: ['package-publish'], weight: 4, sticky: 0.7, profile: { kind: 'fixed', at: 0.45 },
    buildMessage: ({ rng, service, image }) => `package ${service}-${tagOf(image)}.rpm already exists in repo 'stable' with different checksum sha256:${rng.hex(16)}` },
  { id: 'package-repo-timeout', errorCode: 'E_PKG_REPO_TIMEOUT', stages: ['package-publish'], weight: 3, sticky: 0.3,
    buildMessage: ({ rng }) => `upload to http://pkg.example.com/api/v1/repos/stable timed out after ${rng.int(30, 121)}s (request id ${rng.hex(16)})` },
  { id: 'prerelease-disk-full', errorCode: 'E_DISK_FULL', stages: ['prerelease-deploy', 'image-build'], weight: 3, sticky: 0.8,
    buildMessage: ({ rng, service, host }) => `write /data/release/${service}/app-${rng.int(1, 9)}.tar: no space left on device (${host}: /dev/sdb1 ${rng.int(97, 101)}% of 500G used)` },
  { id: 'ssh-permission-denied', errorCode: 'E_PERMISSION_DENIED', stages: ['prerelease-deploy', 'host-init'], weight: 2, sticky: 0.9,
    buildMessage: ({ rng, host }) => `ssh deploy@${host} -p ${rng.pick([22, 2222])}: Permission denied (publickey,gssapi-with-mic)` },
  { id: 'base-image-missing', errorCode: 'E_BASE_IMAGE_NOT_FOUND', stages: ['image-build'], weight: 3, sticky: 0.9,
    buildMessage: ({ rng }) => `failed to solve: registry.example.com/base/${rng.pick(['centos7-jdk8', 'debian12-go', 'alpine-node20'])}:${rng.int(2023, 2027)}.${rng.int(1, 13)}: not found` },
  { id: 'image-build-timeout', errorCode: 'E_BUILD_TIMEOUT', stages: ['image-build'], weight: 3, sticky: 0.4,
    buildMessage: ({ rng }) => `image build exceeded ${rng.pick([600, 900, 1200])}s deadline at step ${rng.int(3, 9)}/12: RUN yum install -y ${rng.pick(['gcc', 'libjpeg-devel', 'openssl-devel'])}` },
  { id: 'image-build-oom', errorCode: 'E_BUILD_OOM', stages: ['image-build'], weight: 2, sticky: 0.6,
    buildMessage: ({ rng }) => `process "/bin/sh -c make -j${rng.pick([4, 8, 16])}" did not complete successfully: exit code: 137 (memory limit ${rng.pick([2048, 4096])}Mi)` },
  { id: 'registry-unavailable', errorCode: 'E_REGISTRY_UNAVAILABLE', stages: ['image-push', 'image-pull'], weight: 4, sticky: 0.5, profile: { kind: 'burst' },
    buildMessage: ({ rng }) => `Error response from daemon: Get "https://registry.example.com/v2/": dial tcp ${rng.ip()}:5000: connect: connection refused` },
  { id: 'registry-auth-expired', errorCode: 'E_REGISTRY_AUTH', stages: ['image-push', 'image-pull'], weight: 2, sticky: 0.4,
    buildMessage: ({ rng, at }) => `unauthorized: authentication required (token expired at ${new Date(at - rng.int(60, 7200) * 1000).toISOString()}, request id ${rng.uuid()})` },
  { id: 'blob-upload-unknown', errorCode: 'E_BLOB_UPLOAD', stages: ['image-push'], weight: 1, sticky: 0.3,
    buildMessage: ({ rng }) => `blob upload unknown: sha256:${rng.hex(64)} (upload uuid ${rng.uuid()})` },
  { id: 'registry-quota', errorCode: 'E_REGISTRY_QUOTA', stages: ['image-push'], weight: 1.5, sticky: 0.8, profile: { kind: 'rising', factor: 5 },
    buildMessage: ({ rng, service }) => `denied: quota exceeded for project "${service.split('-')[0]}" (used ${rng.int(1000, 1024)}.${rng.int(0, 10)} GiB of 1024 GiB)` },
  { id: 'image-pull-timeout', errorCode: 'E_PULL_TIMEOUT', stages: ['image-pull'], weight: 8, sticky: 0.45, profile: { kind: 'rising', factor: 3 },
    buildMessage: ({ rng, image }) => `failed to pull image "${image}": rpc error: code = DeadlineExceeded desc = context deadline exceeded after ${rng.pick([120, 300, 600])}s` },
  { id: 'manifest-unknown', errorCode: 'E_MANIFEST_UNKNOWN', stages: ['image-pull'], weight: 5, sticky: 0.35,
    buildMessage: ({ image }) => `Error response from daemon: manifest for ${image} not found: manifest unknown: manifest tagged by "${tagOf(image)}" is not found` },
  { id: 'host-disk-full', errorCode: 'E_HOST_DISK_FULL', stages: ['image-pull', 'container-create'], weight: 3, sticky: 0.75,
    buildMessage: ({ rng }) => `failed to register layer: write /var/lib/docker/overlay2/${rng.hex(64)}/diff/usr/lib/${rng.pick(['libssl.so.1.1', 'jvm/rt.jar', 'python3.9/os.py'])}: no space left on device` },
  { id: 'resource-quota-exceeded', errorCode: 'E_QUOTA_EXCEEDED', stages: ['resource-allocate'], weight: 4, sticky: 0.6,
    buildMessage: ({ rng, region }) => `insufficient quota in pool "online-${region}": requested cpu=${rng.pick([4, 8, 16])} mem=${rng.pick([8, 16, 32])}Gi, available cpu=${rng.int(0, 4)} mem=${rng.int(2, 64)}Gi` },
  { id: 'no-capacity', errorCode: 'E_NO_CAPACITY', stages: ['resource-allocate'], weight: 3, sticky: 0.5,
    buildMessage: ({ rng }) => {
      const nodes = rng.int(20, 200);
      const short = rng.int(1, nodes);
      return `0/${nodes} nodes are available: ${short} Insufficient memory, ${nodes - short} node(s) had taint {maintenance: true}`;
    } },
  { id: 'agent-unreachable', errorCode: 'E_AGENT_UNREACHABLE', stages: ['host-init', 'config-sync'], weight: 4, sticky: 0.45,
    buildMessage: ({ rng, host, at }) => `salt-minion on ${host} did not respond within ${rng.pick([30, 60, 90])}s (jid ${jid(at, rng)})` },
  { id: 'ntp-unsynchronised', errorCode: 'E_NTP_UNSYNCED', stages: ['host-init'], weight: 2, sticky: 0.6,
    buildMessage: ({ rng, host }) => `clock check failed on ${host}: ntp offset ${rng.int(501, 9000)}ms exceeds 500ms (server ntp${rng.int(1, 4)}.${dc(rng)}.example.net)` },
  { id: 'container-name-conflict', errorCode: 'E_CONTAINER_CONFLICT', stages: ['container-create'], weight: 3, sticky: 0.5,
    buildMessage: (c) => `Conflict. The container name "/${container(c)}" is already in use by container "${c.rng.hex(64)}". You have to remove (or rename) that container to be able to reuse that name.` },
  { id: 'oci-runtime-create', errorCode: 'E_OCI_RUNTIME', stages: ['container-create', 'container-start'], weight: 3, sticky: 0.4,
    buildMessage: ({ rng }) => `OCI runtime create failed: container_linux.go:${rng.int(300, 400)}: starting container process caused: process_linux.go:${rng.int(400, 600)}: container init caused: rootfs_linux.go:${rng.int(50, 90)}: mounting "/data/logs/${rng.hex(8)}" to rootfs: permission denied` },
  { id: 'container-oom-killed', errorCode: 'E_OOM_KILLED', stages: ['container-start', 'health-check'], weight: 4, sticky: 0.7,
    buildMessage: (c) => `container ${container(c)} exited with code 137 (OOMKilled) after ${c.rng.int(2, 90)}s; memory limit ${c.rng.pick([1024, 2048, 4096])}Mi` },
  { id: 'port-in-use', errorCode: 'E_PORT_IN_USE', stages: ['container-start'], weight: 2, sticky: 0.6,
    buildMessage: ({ rng }) => `Error starting userland proxy: listen tcp 0.0.0.0:${port(rng)}: bind: address already in use` },
  { id: 'config-key-missing', errorCode: 'E_CONFIG_MISSING', stages: ['config-sync'], weight: 5, sticky: 0.85,
    buildMessage: ({ rng, service }) => `config sync failed: key "${rng.pick(['db.read_replica.host', 'cache.redis.addr', 'mq.topic', 'feature.flags.url'])}" missing in namespace "${service}/online" (revision ${rng.int(1000, 9999)})` },
  { id: 'config-center-timeout', errorCode: 'E_CONFIG_TIMEOUT', stages: ['config-sync'], weight: 12, sticky: 0.45, profile: { kind: 'new' },
    buildMessage: ({ rng }) => `timeout waiting for config center ${rng.ip()}:2181 after ${rng.pick([10, 30])}s (session 0x${rng.hex(14)}, request id ${rng.uuid()})` },
  { id: 'health-http-503', errorCode: 'E_HEALTH_503', stages: ['health-check'], weight: 10, sticky: 0.4,
    buildMessage: ({ rng }) => `health check GET http://${rng.ip()}:${port(rng)}/health returned HTTP 503 Service Unavailable after ${rng.int(3, 11)} attempts (last body: "{\\"status\\":\\"${rng.pick(['warming', 'degraded', 'starting'])}\\"}")` },
  { id: 'health-timeout', errorCode: 'E_HEALTH_TIMEOUT', stages: ['health-check'], weight: 7, sticky: 0.5,
    buildMessage: ({ rng }) => `timeout waiting for ${rng.ip()}:${port(rng)} to become healthy: ${rng.pick([60, 120, 180])}s elapsed, last probe ${ms(rng, 1000, 5000)}` },
  { id: 'dependency-unreachable', errorCode: 'E_DEP_UNHEALTHY', stages: ['health-check'], weight: 3, sticky: 0.5, profile: { kind: 'rising', factor: 4 },
    buildMessage: ({ rng, service }) => `readiness probe failed: dependency "mysql-${service.split('-')[0]}-master" unreachable (dial tcp ${rng.ip()}:3306: i/o timeout)` },
  { id: 'name-record-conflict', errorCode: 'E_NS_CONFLICT', stages: ['name-service-register'], weight: 6, sticky: 0.6,
    buildMessage: ({ rng, service, host }) => `register ${service}.online.svc -> ${host} rejected: record exists with owner '${rng.pick(['ops-legacy', 'cmdb-sync', 'manual'])}' (ttl ${rng.pick([60, 300, 600])}s)` },
  { id: 'name-service-servfail', errorCode: 'E_NS_TIMEOUT', stages: ['name-service-register'], weight: 8, sticky: 0.35,
    buildMessage: ({ rng, service }) => `update ${service}.online.svc at ns${rng.int(1, 4)}.${dc(rng)}.example.net:53 failed: SERVFAIL after ${ms(rng, 500, 3000)} (query id 0x${rng.hex(4)})` },
  { id: 'dns-no-such-host', errorCode: 'E_DNS_RESOLVE', stages: ['image-pull', 'name-service-register', 'lb-attach'], weight: 2, sticky: 0.4,
    buildMessage: ({ rng }) => `dial tcp: lookup ${rng.pick(['registry.example.com', 'ns-api.example.net', 'lb-api.example.net'])} on ${rng.ip()}:53: no such host` },
  { id: 'lb-member-exists', errorCode: 'E_LB_MEMBER_EXISTS', stages: ['lb-attach'], weight: 3, sticky: 0.5,
    buildMessage: ({ rng, service }) => `LB API POST /v1/pools/${service}-online/members returned 409 Conflict: member ${rng.ip()}:${port(rng)} already exists (request-id ${rng.uuid()})` },
  { id: 'lb-tls-expired', errorCode: 'E_TLS_HANDSHAKE', stages: ['lb-attach', 'canary-traffic'], weight: 3, sticky: 0.9, profile: { kind: 'fixed', at: 0.55 },
    buildMessage: ({ rng, at }) => `remote error: tls: handshake failure with lb-api.${dc(rng)}.example.net:8443: x509: certificate has expired (current time ${new Date(at).toISOString()})` },
  { id: 'canary-error-rate', errorCode: 'E_CANARY_ERROR_RATE', stages: ['canary-traffic'], weight: 4, sticky: 0.7,
    buildMessage: ({ rng }) => {
      const total = rng.int(5000, 90000);
      const bad = rng.int(Math.ceil(total * 0.011), Math.ceil(total * 0.05));
      return `canary analysis failed: 5xx rate ${((bad / total) * 100).toFixed(1)}% > threshold 1.0% over ${rng.pick([300, 600])}s window (${bad} of ${total} requests)`;
    } },
  { id: 'canary-latency', errorCode: 'E_CANARY_LATENCY', stages: ['canary-traffic'], weight: 8, sticky: 0.6, profile: { kind: 'new' },
    buildMessage: ({ rng }) => `canary analysis failed: p99 latency ${rng.int(501, 2500)}ms > baseline 500ms (${rng.int(200, 5000)} samples, metric 'http_server_duration_ms')` },
  { id: 'traffic-shift-stuck', errorCode: 'E_TRAFFIC_SHIFT', stages: ['full-traffic'], weight: 3, sticky: 0.4,
    buildMessage: ({ rng, service }) => `timeout waiting for traffic weight 100% on pool '${service}-online': stuck at ${rng.pick([20, 40, 60, 80])}% after ${rng.pick([300, 600])}s` },
  { id: 'monitor-api-500', errorCode: 'E_MONITOR_API', stages: ['monitor-attach'], weight: 3, sticky: 0.3,
    buildMessage: ({ rng }) => `monitor target registration failed: HTTP 500 from http://monitor-api.example.com/v2/targets (request id ${rng.hex(24)})` },
  { id: 'ulimit-too-low', errorCode: 'E_ULIMIT', stages: ['container-start', 'host-init'], weight: 3, sticky: 0.6, profile: { kind: 'new' },
    buildMessage: ({ rng, host }) => `preflight on ${host}: open files limit ${rng.pick([1024, 4096])} below required 65536 (/etc/security/limits.d/${rng.int(10, 99)}-nofile.conf)` },
  { id: 'executor-lost', errorCode: 'E_EXECUTOR_LOST', stages: ['*'], weight: 0.3, sticky: 0.2,
    buildMessage: ({ rng, stage }) => `pipeline worker-${rng.int(1, 48)} lost heartbeat for ${rng.int(60, 300)}s during '${stage}'; step aborted (job ${rng.int(100000, 999999)})` },
  { id: 'step-timeout', errorCode: 'E_STEP_TIMEOUT', stages: ['*'], weight: 0.4, sticky: 0.4,
    buildMessage: ({ rng, stage, host }) => `timeout waiting for step '${stage}' on ${host} to finish: ${rng.int(5, 31)}m0s elapsed (limit ${rng.pick(['5m', '15m', '30m'])})` },
];

/** How often a cause fires on day `dayIndex` of a `days`-long range, relative to its weight. */
export function computeCauseFactor(cause: FailureCause, dayIndex: number, days: number, seed: number): number {
  const profile = cause.profile ?? { kind: 'steady' };
  const recent = dayIndex >= days - RECENT_DAYS;
  switch (profile.kind) {
    case 'steady':
      return 1;
    case 'new':
      return recent ? 1 : 0;
    case 'rising':
      // Half a jump, then a ramp, like a regression spreading; averages ~`factor` over the window.
      return recent ? 1 + (profile.factor - 1) * (0.5 + (dayIndex - (days - RECENT_DAYS)) / RECENT_DAYS) : 1;
    case 'fixed':
      return dayIndex < Math.floor(days * profile.at) ? 1 : 0;
    case 'burst': {
      const incident = new SeededRandom(deriveSeed(seed, cause.id, dayIndex)).chance(0.12);
      return incident ? 12 : 0.2;
    }
  }
}
