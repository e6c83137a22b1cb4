import { dcOf, ipPort, isoAgo, projectOf, upper, type MessageFamily } from './message-kit';

/** Message families of the build half of the chain (test build to image push). */
export const BUILD_FAMILIES: readonly MessageFamily[] = [
  { id: 'integration-assert', code: 'E_TEST_ASSERT', stages: ['test-build'], flaky: false,
    build: ({ rng }) => `assertion failed in tests/integration/test_${rng.pick(['orders', 'refunds', 'sessions', 'quotas'])}.py`
      + `::test_case_${rng.int(1, 400)}: expected status 200, got ${rng.pick([500, 502, 404, 409])} (run ${rng.hex(8)})` },
  { id: 'artifact-resolve-reset', code: 'E_ARTIFACT_RESOLVE', stages: ['test-build', 'package-publish'], flaky: true,
    build: ({ rng }) => `Could not resolve artifact com.example.${rng.pick(['billing', 'geo', 'auth'])}:client-core:jar:`
      + `${rng.int(1, 9)}.${rng.int(0, 40)}.${rng.int(0, 20)} from nexus http://nexus.internal:8081/repository/maven-public:`
      + ` Connection reset after ${rng.int(200, 30000)} ms` },
  { id: 'quality-gate', code: 'E_QUALITY_GATE', stages: ['test-build'], flaky: false,
    build: ({ rng, service }) => `static analysis gate: ${rng.int(1, 40)} new issues above severity MAJOR in ${service}`
      + ` (baseline ${rng.int(50, 900)}, analysis id AX${upper(rng, 10)})` },
  { id: 'runner-oom-kill', code: 'E_RUNNER_KILLED', stages: ['test-build'], flaky: true,
    build: ({ rng, host }) => `test runner pid ${rng.int(1000, 65000)} killed by signal 9 on ${host} after ${rng.int(20, 900)}s`
      + ` (cgroup /ci/job-${rng.int(100000, 999999)} memory.max reached)` },
  { id: 'rpm-sign-key', code: 'E_PKG_SIGN', stages: ['package-publish'], flaky: false,
    build: ({ rng, service, release }) => `gpg: signing failed for ${service}-${release}-${rng.int(1, 60)}.x86_64.rpm:`
      + ` key 0x${upper(rng, 16)} expired on 2026-${String(rng.int(1, 11)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}` },
  { id: 'artifact-store-slowdown', code: 'E_ARTIFACT_STORE_503', stages: ['package-publish', 'image-build'], flaky: true,
    build: ({ rng, service, release }) => `PUT https://artifacts.example.com/releases/${service}/${release}/bundle-${rng.hex(8)}.tgz`
      + ` -> 503 Slow Down (retry-after ${rng.int(1, 30)}s, x-amz-request-id ${upper(rng, 16)})` },
  { id: 'deploy-lock-held', code: 'E_DEPLOY_LOCK', stages: ['prerelease-deploy'], flaky: true,
    build: (c) => `deploy lock /locks/prerelease/${c.service} held by job ${c.rng.int(10000, 99999)} since ${isoAgo(c, 3600)}`
      + ` (owner pre-${dcOf(c.rng)}-${String(c.rng.int(1, 30)).padStart(2, '0')}.example.net)` },
  { id: 'smoke-suite-red', code: 'E_SMOKE_FAILED', stages: ['prerelease-deploy'], flaky: false,
    build: ({ rng }) => {
      const total = rng.int(12, 80);
      return `smoke suite against http://${ipPort(rng)}/ failed: ${rng.int(1, total)}/${total} checks red,`
        + ` first: GET /api/v${rng.int(1, 4)}/items?page=${rng.int(1, 50)} -> ${rng.pick([500, 502, 504])}`;
    } },
  { id: 'ansible-unreachable', code: 'E_ANSIBLE_UNREACHABLE', stages: ['prerelease-deploy', 'host-init'], flaky: true,
    build: ({ rng, host }) => `fatal: [${host}]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh:`
      + ` Connection timed out during banner exchange", "unreachable": true} (task ${rng.int(3, 120)}, port ${rng.pick([22, 2222])})` },
  { id: 'build-context-missing', code: 'E_BUILD_CONTEXT', stages: ['image-build'], flaky: false,
    build: ({ rng, service, release }) => `failed to compute cache key: "/build/${service}/target/${service}-${release}.jar" not found:`
      + ` stat /var/lib/buildkit/${rng.hex(12)}/target: no such file or directory` },
  { id: 'apt-hash-mismatch', code: 'E_APT_HASH', stages: ['image-build'], flaky: true,
    build: ({ rng }) => `E: Failed to fetch http://mirror.${dcOf(rng)}.example.net/debian/pool/main/o/openssl/libssl3_3.0.${rng.int(1, 16)}-1_amd64.deb`
      + `  Hash Sum mismatch (expected sha256 ${rng.hex(64)})` },
  { id: 'buildkit-snapshot', code: 'E_BUILDKIT_SNAPSHOT', stages: ['image-build'], flaky: true,
    build: ({ rng }) => `buildkit: failed to prepare ${rng.hex(25)} as ${rng.hex(25)}: snapshot sha256:${rng.hex(64)} does not exist: not found` },
  { id: 'registry-edge-502', code: 'E_REGISTRY_502', stages: ['image-push', 'image-pull'], flaky: true,
    build: ({ rng }) => `received unexpected HTTP status: 502 Bad Gateway from registry.example.com (edge ${ipPort(rng, 443)}, trace ${rng.hex(16)})` },
  { id: 'robot-account-denied', code: 'E_REGISTRY_DENIED', stages: ['image-push', 'image-pull'], flaky: false,
    build: ({ rng, service }) => `denied: requested access to the resource is denied: robot account robot-${service} lacks`
      + ` ${rng.pick(['push', 'pull'])} on project ${projectOf(service)} (token ${rng.hex(8)}, ${rng.int(1, 90)} days old)` },
  { id: 'layer-push-reset', code: 'E_LAYER_UPLOAD', stages: ['image-push'], flaky: true,
    build: ({ rng }) => {
      const total = rng.int(40, 900);
      return `error pushing layer sha256:${rng.hex(12)}: write tcp ${ipPort(rng, rng.int(30000, 60000))}->${ipPort(rng, 5000)}:`
        + ` write: connection reset by peer (${rng.int(1, total)} of ${total} MiB sent)`;
    } },
  { id: 'immutable-tag', code: 'E_TAG_IMMUTABLE', stages: ['image-push'], flaky: false,
    build: ({ rng, service, release }) => `tag ${release} of ${service} is immutable: it already points to sha256:${rng.hex(64)}`
      + ` (policy "release-tags-immutable", rule ${rng.int(1, 9)})` },
  { id: 'builder-disk-pressure', code: 'E_BUILDER_DISK', stages: ['image-build', 'image-push'], flaky: false,
    build: ({ rng, host }) => `builder ${host} under disk pressure: /var/lib/docker ${rng.int(91, 100)}% used`
      + ` (${rng.int(2, 40)} GiB free of ${rng.pick([200, 400, 800])} GiB), refusing new jobs` },
];
