import { readdirSync, readFileSync } from 'node:fs';

/** /proc readings for bench:scale (Linux): a child process found by its command line, and its peak memory. */

/** The pids of the direct children of `pid`, from every thread's children list. */
function childPids(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

/** This process's child whose command line contains `fragment` (e.g. the web server's script), or null. */
export function findChildPid(fragment: string): number | null {
  for (const pid of childPids(process.pid)) {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    if (cmdline.includes(fragment)) return pid;
  }
  return null;
}

/** The peak resident memory of a running process (VmHWM), in bytes. */
export function readPeakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  const kib = Number(line?.match(/(\d+)\s*kB/)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`/proc/${pid}/status has no VmHWM`);
  return kib * 1024;
}
