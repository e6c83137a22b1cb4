import { generateDemoRecords, type DemoOptions } from '../../lib/demo/generate';
import { applyMigrations } from '../../prisma/tools/migrations';
import { startNextServer } from '../helpers/next-server';

const PER_REQUEST = 5000;
const TOKEN = 'bench-token';

/** Starts the production server on a fresh database (`url`: a new SQLite file or an empty PostgreSQL database) and POSTs NDJSON bodies to /api/ingest, one at a time. */
export async function measureHttpPath(opts: { url: string; demo: DemoOptions }) {
  const url = opts.url;
  await applyMigrations(url);
  const server = await startNextServer({ DATABASE_URL: url, INGEST_TOKENS: TOKEN });
  try {
    const base = server.origin;
    let body: string[] = [];
    let records = 0;
    let requests = 0;
    let seconds = 0;
    const send = async () => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' }, body: body.join('\n') });
      const summary = (await res.json()) as { accepted: number };
      seconds += (performance.now() - t0) / 1000;
      if (res.status !== 200) throw new Error(`POST /api/ingest answered ${res.status}`);
      records += summary.accepted;
      requests += 1;
      body = [];
    };
    for (const record of generateDemoRecords(opts.demo)) {
      body.push(JSON.stringify(record));
      if (body.length >= PER_REQUEST) await send();
    }
    if (body.length) await send();
    return { records, requests, seconds, perRequest: PER_REQUEST };
  } finally {
    server.stop();
  }
}
