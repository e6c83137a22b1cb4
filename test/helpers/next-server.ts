import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildIsStale } from '../../lib/cli/build-state';
import { freePort } from './net';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NEXT = path.join(ROOT, 'node_modules', '.bin', 'next');

/**
 * The production server for benchmarks and browser tests: builds the app when its sources changed,
 * starts Rollscope's web server (jobs/web-server.ts, as npm start does) on a free port with `env`,
 * and waits until /api/health answers.
 */
export async function startNextServer(env: Record<string, string>): Promise<{ origin: string; pid: number; stop: () => void }> {
  const childEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env };
  if (await buildIsStale(ROOT)) {
    const built = spawnSync(NEXT, ['build'], { cwd: ROOT, stdio: 'inherit', env: childEnv });
    if (built.status !== 0) throw new Error('next build failed');
  }
  const port = await freePort();
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'jobs', 'web-server.ts')], { cwd: ROOT, env: { ...childEnv, PORT: String(port) }, stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; !(await fetch(`${origin}/api/health`).then((r) => r.ok).catch(() => false)); i += 1) {
    if (i > 120) {
      server.kill('SIGTERM');
      throw new Error(`${origin} did not answer within 60 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { origin, pid: server.pid!, stop: () => void server.kill('SIGTERM') };
}
