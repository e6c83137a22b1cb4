import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * The schedulers of the instances soak (test/bench/instances.ts): `npm run jobs` processes, each
 * optionally in its own UTS namespace under another host name — so that its leases, for the other
 * scheduler, belong to "another host" whose process cannot be probed: a SIGKILLed one is then taken
 * over only when its lease expires, as between two machines.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type SchedulerProc = { name: string; host: string | null; child: ChildProcess; lines: string[]; exit: Promise<{ code: number | null; signal: string | null }> };

export function startScheduler(name: string, env: Record<string, string>, host: string | null): SchedulerProc {
  const node = [process.execPath, '--import', 'tsx', path.join(ROOT, 'jobs', 'scheduler.ts')];
  // sh sets the namespace's host name, then execs node: the child's pid is the scheduler's.
  const [cmd, ...args] = host ? ['unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', host, ...node] : node;
  const child = spawn(cmd!, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let rest = '';
  const take = (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { name, host, child, lines, exit };
}

/** `job (due 2026-12-01 18:52 UTC): ran here` and its siblings, as the scheduler logs each claim. */
const CLAIM = /\] (\S+) \(due (\d{4}-\d\d-\d\d \d\d:\d\d) UTC\): (ran here|already run by another scheduler|another scheduler has it)/;

export type Claim = { scheduler: string; job: string; due: string; outcome: 'ran' | 'served' | 'busy' };

export function claimsOf(procs: SchedulerProc[]): Claim[] {
  const outcome = { 'ran here': 'ran', 'already run by another scheduler': 'served', 'another scheduler has it': 'busy' } as const;
  return procs.flatMap((p) =>
    p.lines.flatMap((l) => {
      const m = CLAIM.exec(l);
      return m ? [{ scheduler: p.name, job: m[1]!, due: m[2]!, outcome: outcome[m[3] as keyof typeof outcome] }] : [];
    }),
  );
}

/** Per job: how many occurrences were run 0, 1 or 2+ times (by `ran here` lines across all schedulers). */
export function runsPerOccurrence(claims: Claim[]): Map<string, { occurrences: number; once: number; never: string[]; twice: string[] }> {
  const byJob = new Map<string, Map<string, number>>();
  for (const c of claims) {
    const due = byJob.get(c.job) ?? new Map<string, number>();
    byJob.set(c.job, due);
    due.set(c.due, (due.get(c.due) ?? 0) + (c.outcome === 'ran' ? 1 : 0));
  }
  return new Map(
    [...byJob].map(([job, due]) => {
      const entries = [...due];
      return [job, { occurrences: entries.length, once: entries.filter(([, n]) => n === 1).length, never: entries.filter(([, n]) => n === 0).map(([d]) => d), twice: entries.filter(([, n]) => n > 1).map(([d]) => d) }];
    }),
  );
}
