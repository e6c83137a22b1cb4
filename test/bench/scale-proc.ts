import { readFileSync } from 'node:fs';

/** /proc readings for bench:scale (Linux): a process's peak memory. */

/** The peak resident memory of a running process (VmHWM), in bytes. */
export function readPeakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  const kib = Number(line?.match(/(\d+)\s*kB/)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`/proc/${pid}/status has no VmHWM`);
  return kib * 1024;
}
