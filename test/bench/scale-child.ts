import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** GNU time: the peak RSS (KiB) of exactly the process it starts, written to a file of its own. */
const TIME = '/usr/bin/time';

export type ScriptRun = { stdout: string; seconds: number; peakRssBytes: number };

/**
 * The command of package.json's script `name` as an argv without npm or the tsx launcher in between
 * (`tsx x.ts` → `node --import tsx x.ts`, which is what tsx runs), so that the peak memory measured is
 * the script's own process and not npm's or the launcher's.
 */
export function scriptArgv(name: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const command = pkg.scripts[name];
  if (!command) throw new Error(`package.json has no script "${name}"`);
  const [bin, ...rest] = command.split(/\s+/);
  if (bin === 'tsx') return [process.execPath, '--import', 'tsx', ...rest];
  if (bin === 'node') return [process.execPath, ...rest];
  throw new Error(`script "${name}" (${command}) starts with neither tsx nor node: bench:scale cannot measure it`);
}

/**
 * Runs `npm run <name> -- <args>` as it is written in package.json, under GNU time, and returns its
 * stdout, wall time and peak RSS. Its stderr goes to ours. A non-zero exit is an error naming the script.
 */
export async function runScript(name: string, args: string[], env: Record<string, string>): Promise<ScriptRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rollscope-scale-time-'));
  const rssFile = path.join(dir, 'rss');
  try {
    const argv = [...scriptArgv(name), ...args];
    const started = performance.now();
    const { code, stdout } = await spawnCollect(TIME, ['-f', '%M', '-o', rssFile, ...argv], env);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`npm run ${name} -- ${args.join(' ')} exited with ${code}${stdout ? `; its output ended:\n${stdout.slice(-2000)}` : ''}`);
    const kib = Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1));
    if (!Number.isFinite(kib)) throw new Error(`${TIME} wrote no peak RSS for npm run ${name}`);
    return { stdout, seconds, peakRssBytes: kib * 1024 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnCollect(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', (error) => reject(new Error(`cannot start ${cmd} (${error.message})${cmd === TIME ? ': install GNU time (apt-get install time)' : ''}`)));
    child.on('close', (code) => resolve({ code, stdout }));
  });
}
