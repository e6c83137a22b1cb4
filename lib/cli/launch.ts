// npm run launch — the quick start: migrate the database, load the demo data when it is empty,
// build the web app when its sources changed, then run the web server and the scheduler side by
// side until Ctrl-C stops both. A child that dies is restarted (lib/cli/supervise.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { applyMigrations } from '../../prisma/tools/migrations';
import { createIngestToken } from '../auth/ingest-tokens';
import { ensureFirstAdmin } from '../auth/users';
import { loadChainConfig } from '../chain/config';
import { syncChain } from '../chain/sync';
import { getDb } from '../db';
import { seedDemoIfEmpty } from '../demo/seed';
import { getSettings } from '../env';
import { buildIsStale } from './build-state';
import { runCli } from './run-cli';
import { runSupervised } from './supervise';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
const say = (line: string) => console.log(`[rollscope] ${line}`);
// Next.js would otherwise announce its telemetry; nothing leaves this machine anyway.
const childEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

await runCli(async () => {
  const settings = getSettings();
  if (settings.baseUrlWarning) say(`warning: ${settings.baseUrlWarning}`);
  const applied = await applyMigrations(settings.databaseUrl);
  say(applied.length ? `database: applied ${applied.join(', ')}` : 'database: up to date');
  const db = await getDb();
  await syncChain(db, loadChainConfig(settings.chainFile));
  const seed = await seedDemoIfEmpty({ db, settings, log: say });
  if (seed.seeded) say(`demo data: ${seed.accepted.toLocaleString('en-US')} stage runs from ${seed.files} files, ${seed.classes} error classes, weeks ${seed.weeks.join(', ')} ranked, in ${seed.seconds.toFixed(1)} s`);
  if (settings.ingestTokens.length === 0 && (await db.prisma.ingestToken.count()) === 0) {
    const token = await createIngestToken(db, 'quickstart');
    say(`ingest token (shown once, keep it): ${token}`);
    say(`  curl -H "Authorization: Bearer ${token}" --data-binary @records.ndjson http://localhost:${settings.port}/api/ingest`);
  }
  const admin = await ensureFirstAdmin(db);
  if (admin) say(`dashboard sign-in (shown once, keep it): ${admin.email} / ${admin.password}`);
  await db.close();
  if (await buildIsStale(ROOT)) {
    say('building the web app (next build)…');
    await waitFor(spawn(bin('next'), ['build'], { cwd: ROOT, stdio: 'inherit', env: childEnv }), true);
  }
  say(`dashboard: http://localhost:${settings.port}  (Ctrl-C stops the web server and the scheduler)`);
  const spawnChild = (command: string, args: string[]) => () => spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: childEnv });
  // A child that dies is restarted with backoff; a crash loop stops both and exits 1 naming it.
  return runSupervised({
    log: say,
    children: [
      { name: 'the web server (jobs/web-server.ts)', spawn: spawnChild(process.execPath, ['--import', 'tsx', path.join(ROOT, 'jobs', 'web-server.ts')]) },
      { name: 'the scheduler (jobs/scheduler.ts)', spawn: spawnChild(process.execPath, ['--import', 'tsx', path.join(ROOT, 'jobs', 'scheduler.ts')]) },
    ],
  });
});

function waitFor(child: ChildProcess, mustSucceed: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      const result = code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1);
      if (mustSucceed && result !== 0) reject(new Error(`${child.spawnfile} exited with ${code ?? signal}`));
      else resolve(result);
    });
    child.on('error', reject);
  });
}
