/**
 * The traffic of the instances soak (test/bench/instances.ts): ingestion batches posted to both
 * web servers at once (every batch to each of them: the worst overlap), and page loads by a
 * signed-in viewer on each server, timed per server.
 */
export type Tally = { latencies: number[]; statuses: Map<number, number> };
export const tallies = new Map<string, Tally>();
export const failures: string[] = [];
export const loops = { stop: false };

export function count(label: string, status: number, ms: number): void {
  let t = tallies.get(label);
  if (!t) tallies.set(label, (t = { latencies: [], statuses: new Map() }));
  t.latencies.push(ms);
  t.statuses.set(status, (t.statuses.get(status) ?? 0) + 1);
}
export const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Posts one body to one server; a 503 is retried after its Retry-After. Returns the records it stored anew. */
async function post(origin: string, label: string, token: string, body: string): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const t0 = performance.now();
    const res = await fetch(`${origin}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });
    count(`POST /api/ingest ${label}`, res.status, performance.now() - t0);
    const answer = (await res.json().catch(() => ({}))) as { accepted?: number; rejected?: number };
    if (res.status === 503 && attempt < 10) {
      await sleep(Number(res.headers.get('retry-after') ?? 5) * 1000);
      continue;
    }
    if (res.status !== 200 || answer.rejected) failures.push(`POST /api/ingest on ${label} answered ${res.status}, ${answer.rejected ?? '?'} rejected`);
    return answer.accepted ?? 0;
  }
}

/** Every batch to every server at the same moment, paced over `spanMs`. Returns the records sent per server. */
export async function ingestEverywhere(servers: { label: string; origin: string }[], token: string, batches: string[], spanMs: number): Promise<number> {
  const gap = spanMs / Math.max(1, batches.length);
  let sent = 0;
  for (const body of batches) {
    const started = Date.now();
    await Promise.all(servers.map((s) => post(s.origin, s.label, token, body)));
    sent += body.split('\n').length;
    await sleep(Math.max(0, gap - (Date.now() - started)));
  }
  return sent;
}

// The pages a viewer may see (/settings is for admins: a viewer is sent to /forbidden).
export const PAGES = ['/', '/errors', '/stages', '/stages/image-pull', '/admission', '/trends', '/digests', '/quarantine', '/search?q=timeout'];

/** The dashboard's pages, in a loop, signed in; each answer timed under the server's label. */
export async function loadPages(origin: string, label: string, cookie: string): Promise<void> {
  while (!loops.stop) {
    for (const page of PAGES) {
      if (loops.stop) return;
      const t0 = performance.now();
      const res = await fetch(`${origin}${page}`, { headers: { cookie }, redirect: 'manual' }).catch(() => null);
      await res?.arrayBuffer().catch(() => undefined);
      count(`pages ${label}`, res?.status ?? 0, performance.now() - t0);
      if (res && res.status !== 200) failures.push(`GET ${page} on ${label} answered ${res.status}`);
    }
  }
}

export const READ_API = ['/api/v1/kpis', '/api/v1/stages', '/api/v1/classes?pageSize=200', '/api/v1/violations?pageSize=200'];

/**
 * The read API's answers from every server, fetched at the same moment; the paths whose answers
 * differ, tried again up to `tries` times (a scheduler may be writing between two reads).
 */
export async function compareAnswers(servers: { label: string; origin: string }[], token: string, tries = 5): Promise<{ compared: number; differing: string[]; bytes: number }> {
  let differing: string[] = [];
  let bytes = 0;
  for (let attempt = 1; attempt <= tries; attempt += 1) {
    differing = [];
    bytes = 0;
    for (const p of READ_API) {
      const answers = await Promise.all(servers.map((s) => fetch(`${s.origin}${p}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => `${r.status} ${await r.text()}`)));
      bytes += answers[0]!.length;
      if (answers.some((a) => a !== answers[0]) || !answers[0]!.startsWith('200 ')) differing.push(p);
    }
    if (differing.length === 0) break;
    await sleep(3000);
  }
  return { compared: READ_API.length, differing, bytes };
}
