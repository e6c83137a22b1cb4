import { dcOf, ipPort, isoAgo, projectOf, upper, type MessageFamily } from './message-kit';

const zone = (r: Parameters<MessageFamily['build']>[0]['rng']): string => `${r.pick(['cn-east', 'eu-west', 'us-central'])}-${r.int(1, 4)}${r.pick(['a', 'b', 'c'])}`;

/** Message families of the online half of the chain (allocation to monitoring), and one for any stage. */
export const RUNTIME_FAMILIES: readonly MessageFamily[] = [
  { id: 'scheduler-no-fit', code: 'E_NO_FIT', stages: ['resource-allocate'], flaky: true,
    build: ({ rng, service }) => `scheduling failed for ${service}-${rng.int(0, 60)}: no node fits (${rng.int(40, 400)} evaluated;`
      + ` cpu short on ${rng.int(1, 30)}, anti-affinity on ${rng.int(1, 30)}, zone=${zone(rng)})` },
  { id: 'tenant-quota', code: 'E_TENANT_QUOTA', stages: ['resource-allocate'], flaky: false,
    build: ({ rng, service }) => `allocation refused: tenant ${projectOf(service)} would exceed its ${rng.pick(['cpu', 'memory', 'gpu'])}`
      + ` quota by ${rng.int(1, 60)}% (limit ${rng.int(100, 4000)}, requested ${rng.int(4, 64)})` },
  { id: 'ipam-exhausted', code: 'E_IPAM_EXHAUSTED', stages: ['resource-allocate', 'container-create'], flaky: false,
    build: ({ rng }) => `ipam: no free address in subnet 10.${rng.int(0, 64)}.${rng.int(0, 63) * 4}.0/22`
      + ` (pool ${dcOf(rng)}-pod-${rng.int(1, 20)}, ${rng.int(1000, 1020)} leased, ${rng.int(2, 20)} reserved)` },
  { id: 'cmdb-timeout', code: 'E_CMDB_TIMEOUT', stages: ['resource-allocate', 'host-init'], flaky: true,
    build: ({ rng }) => `CMDB query for asset AS${rng.int(100000, 999999)} timed out after ${rng.int(2000, 15000)}ms`
      + ` (endpoint https://cmdb.example.com/api/hosts?sn=${upper(rng, 12)})` },
  { id: 'quota-service-500', code: 'E_QUOTA_SVC', stages: ['resource-allocate'], flaky: true,
    build: ({ rng }) => `quota service returned 500 Internal Server Error for POST /v2/reservations (trace ${rng.hex(32)}, ${rng.int(20, 4000)}ms)` },
  { id: 'sysctl-readonly', code: 'E_SYSCTL', stages: ['host-init'], flaky: false,
    build: ({ rng, host }) => `sysctl net.core.somaxconn=${rng.pick([4096, 8192, 65535])} failed on ${host}:`
      + ` write /proc/sys/net/core/somaxconn: read-only file system (after ${rng.int(20, 900)}ms)` },
  { id: 'puppet-catalog', code: 'E_PUPPET_CATALOG', stages: ['host-init'], flaky: true,
    build: ({ rng, host }) => `Could not retrieve catalog from remote server: Error 500 on SERVER: Evaluation Error: Unknown variable:`
      + ` '::${rng.pick(['dc_role', 'rack_id', 'kernel_profile'])}' (file: /etc/puppetlabs/code/modules/${rng.pick(['base', 'net', 'jvm'])}`
      + `/manifests/init.pp, line: ${rng.int(10, 400)}, column: ${rng.int(2, 60)}) on node ${host}` },
  { id: 'data-mount-missing', code: 'E_MOUNT_MISSING', stages: ['host-init', 'container-create'], flaky: false,
    build: ({ rng, host }) => `mount point /data${rng.int(1, 8)} missing on ${host}: expected device /dev/nvme${rng.int(0, 4)}n1`
      + ` (uuid ${rng.uuid()}) in /etc/fstab` },
  { id: 'token-clock-skew', code: 'E_TOKEN_CLOCK', stages: ['host-init', 'config-sync'], flaky: true,
    build: ({ rng, host, at }) => `token rejected: iat ${Math.floor(at / 1000) + rng.int(31, 900)} is in the future`
      + ` (clock skew on ${host}, max 30s, kid ${rng.hex(8)})` },
  { id: 'blob-tls-timeout', code: 'E_PULL_TLS', stages: ['image-pull'], flaky: true,
    build: ({ rng, service }) => `Get "https://registry.example.com/v2/${service}/blobs/sha256:${rng.hex(64)}": net/http: TLS handshake timeout` },
  { id: 'platform-manifest', code: 'E_MANIFEST_PLATFORM', stages: ['image-pull'], flaky: false,
    build: ({ rng, image }) => `no matching manifest for linux/${rng.pick(['arm64', 'amd64'])} in the manifest list entries`
      + ` (image ${image}, digest sha256:${rng.hex(64)})` },
  { id: 'p2p-task-stalled', code: 'E_P2P_STALLED', stages: ['image-pull'], flaky: true,
    build: ({ rng }) => `dragonfly: task ${rng.hex(32)} stalled at ${rng.int(1, 99)}% for ${rng.int(30, 600)}s, no seed peer available`
      + ` (scheduler ${ipPort(rng, 8002)})` },
  { id: 'overlay-mount', code: 'E_OVERLAY_MOUNT', stages: ['container-create'], flaky: true,
    build: ({ rng }) => `error creating overlay mount to /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/`
      + `${rng.int(100, 99999)}/fs: invalid argument` },
  { id: 'seccomp-profile', code: 'E_SECCOMP', stages: ['container-create', 'container-start'], flaky: false,
    build: ({ rng, service }) => `failed to create shim task: unable to load seccomp profile /etc/containers/seccomp/${service}-v${rng.int(1, 9)}.json:`
      + ` open: no such file or directory (task ${rng.hex(12)})` },
  { id: 'exec-format', code: 'E_EXEC_FORMAT', stages: ['container-start'], flaky: false,
    build: ({ rng, service, image }) => `exec /app/bin/${service}: exec format error (image ${image}, pid ${rng.int(2, 40000)})` },
  { id: 'jvm-heap', code: 'E_JVM_HEAP', stages: ['container-start', 'health-check'], flaky: false,
    build: ({ rng, service }) => `java.lang.OutOfMemoryError: Java heap space at com.example.${projectOf(service)}.bootstrap.Warmup.preload`
      + `(Warmup.java:${rng.int(20, 700)}) (-Xmx${rng.pick([512, 1024, 2048])}m, uptime ${rng.int(3, 300)}s)` },
  { id: 'crash-backoff', code: 'E_CRASH_BACKOFF', stages: ['container-start', 'health-check'], flaky: false,
    build: ({ rng, service }) => `back-off ${rng.pick([10, 20, 40, 80, 160])}s restarting failed container ${service} in pod`
      + ` ${service}-${rng.hex(10)}-${rng.hex(5)}: exit code ${rng.pick([1, 2, 127, 139])}, restarts ${rng.int(3, 30)}` },
  { id: 'config-schema', code: 'E_CONFIG_SCHEMA', stages: ['config-sync'], flaky: false,
    build: ({ rng, service, release }) => `config validation failed for ${service}@${release}: /${rng.pick(['pool', 'cache', 'limits'])}/`
      + `${rng.pick(['size', 'ttl', 'max_conns'])} must be integer, got string "${rng.int(1, 999)}${rng.pick(['ms', 'k', 'x'])}" (schema rev ${rng.int(100, 999)})` },
  { id: 'zk-session-expired', code: 'E_ZK_SESSION', stages: ['config-sync', 'name-service-register'], flaky: true,
    build: ({ rng, service }) => `KeeperErrorCode = Session expired for /config/${service}/online (zxid 0x${rng.hex(12)}, server ${ipPort(rng, 2181)})` },
  { id: 'vault-forbidden', code: 'E_SECRET_FORBIDDEN', stages: ['config-sync', 'container-start'], flaky: false,
    build: ({ rng, service }) => `vault: GET https://vault.example.com/v1/secret/data/${service}/${rng.pick(['db', 'mq', 'oauth'])}:`
      + ` 403 permission denied (policy ${service}-read, accessor ${rng.hex(24)})` },
  { id: 'config-revision-lag', code: 'E_CONFIG_LAG', stages: ['config-sync'], flaky: true,
    build: ({ rng, host }) => {
      const rev = rng.int(10000, 90000);
      return `config revision ${rev} not visible on ${host} after ${rng.int(10, 120)}s (agent at revision ${rev - rng.int(1, 400)})`;
    } },
  { id: 'ready-503', code: 'E_READY_503', stages: ['health-check'], flaky: true,
    build: ({ rng }) => `health check failed: GET http://${ipPort(rng)}/ready -> 503 after ${rng.int(3, 30)} probes (${rng.int(50, 3000)}ms per probe)` },
  { id: 'dependency-down', code: 'E_DEPENDENCY_DOWN', stages: ['health-check'], flaky: false,
    build: ({ rng, service }) => `health check failed: dependency ${rng.pick(['mysql', 'redis', 'kafka'])}-${projectOf(service)}-${rng.int(1, 9)}`
      + ` reported DOWN at ${ipPort(rng, rng.pick([3306, 6379, 9092]))}` },
  { id: 'flyway-migration', code: 'E_DB_MIGRATION', stages: ['container-start', 'health-check'], flaky: false,
    build: ({ rng, service }) => `Flyway migration V${rng.int(20, 400)}__add_${rng.pick(['index', 'column', 'table'])}.sql failed on schema`
      + ` ${projectOf(service)}_db: ERROR: column "${rng.pick(['tenant_id', 'expires_at', 'region'])}" already exists (SQLSTATE 42701)` },
  { id: 'naming-lease-held', code: 'E_NS_LEASE', stages: ['name-service-register'], flaky: true,
    build: ({ rng, service }) => `naming: instance ${ipPort(rng)} of ${service} already leased by session ${rng.hex(16)}`
      + ` (lease ttl ${rng.int(1, 300)}s remaining)` },
  { id: 'naming-quorum', code: 'E_NS_QUORUM', stages: ['name-service-register'], flaky: true,
    build: ({ rng }) => `naming cluster ${dcOf(rng)}: write not acknowledged by quorum (${rng.int(0, 3)}/5 replicas,`
      + ` term ${rng.int(10, 900)}, ${rng.int(500, 9000)}ms)` },
  { id: 'lb-member-limit', code: 'E_LB_MEMBER_LIMIT', stages: ['lb-attach'], flaky: false,
    build: ({ rng }) => `cannot add backend ${ipPort(rng)} to pool pl-${rng.hex(8)}: pool member limit ${rng.pick([200, 500, 1000])}`
      + ` reached (listener ${rng.int(1, 20)})` },
  { id: 'slb-throttled', code: 'E_LB_THROTTLED', stages: ['lb-attach', 'canary-traffic', 'full-traffic'], flaky: true,
    build: ({ rng }) => `slb OpenAPI throttled: Throttling.User (RequestId ${rng.uuid().toUpperCase()},`
      + ` action ${rng.pick(['AddBackendServers', 'SetBackendWeight'])}, retry after ${rng.int(100, 5000)}ms)` },
  { id: 'canary-verdict', code: 'E_CANARY_VERDICT', stages: ['canary-traffic'], flaky: false,
    build: ({ rng, service, release }) => `canary verdict FAIL for ${service}@${release}: error ratio ${(rng.int(11, 90) / 10).toFixed(1)}%`
      + ` vs baseline 0.${rng.int(1, 9)}% over ${rng.int(2000, 90000)} requests (analysis ${rng.hex(8)})` },
  { id: 'slo-guard', code: 'E_SLO_GUARD', stages: ['canary-traffic', 'full-traffic'], flaky: false,
    build: ({ rng }) => {
      const hosts = rng.int(4, 120);
      return `SLO guard tripped: p${rng.pick([95, 99])} ${rng.int(300, 4000)}ms exceeds objective ${rng.pick([200, 250, 300])}ms`
        + ` on ${rng.int(1, hosts)} of ${hosts} hosts (window ${rng.pick([5, 10, 15])}m)`;
    } },
  { id: 'drain-timeout', code: 'E_DRAIN_TIMEOUT', stages: ['full-traffic'], flaky: true,
    build: ({ rng }) => `old instances still draining after ${rng.int(60, 900)}s: ${rng.int(1, 400)} connections open on ${ipPort(rng)}` },
  { id: 'agent-version', code: 'E_MONITOR_AGENT', stages: ['monitor-attach'], flaky: false,
    build: ({ rng, host }) => `monitoring agent on ${host} reports version 3.${rng.int(0, 9)}.${rng.int(0, 20)},`
      + ` collector requires >= 4.2.0 (agent id ${rng.hex(12)})` },
  { id: 'scrape-404', code: 'E_METRICS_404', stages: ['monitor-attach', 'health-check'], flaky: false,
    build: ({ rng, service }) => `scrape of http://${ipPort(rng)}/actuator/prometheus returned 404 Not Found (job ${service}, ${rng.int(0, 900)} bytes)` },
  { id: 'executor-evicted', code: 'E_EXECUTOR_EVICTED', stages: '*', flaky: true,
    build: (c) => `pipeline executor runner-${c.rng.int(1, 64)} was evicted (node ${c.host} NotReady) ${c.rng.int(1, 600)}s into step`
      + ` ${c.stage}; job ${c.rng.int(100000, 999999)} requeued at ${isoAgo(c, 60)}` },
];
