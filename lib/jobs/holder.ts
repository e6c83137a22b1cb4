import { randomUUID } from 'node:crypto';
import os from 'node:os';

/**
 * Who holds a lease (a job lock, a running ingestion): `host:pid:nonce`. A holder on this host
 * whose process no longer exists is gone at once; a holder on another host is gone only when
 * its lease expires (its heartbeat stopped).
 */
export type HolderId = string;

const HOST = os.hostname().replaceAll(':', '_');

/** A new holder id for this process (a fresh nonce each time, so two leases of one process differ). */
export function newHolderId(): HolderId {
  return `${HOST}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The host and pid a holder id names, or null when it is not of the form host:pid:nonce. */
export function parseHolderId(holder: string): { host: string; pid: number } | null {
  const m = /^(.*):(\d+):[^:]*$/.exec(holder);
  if (!m) return null;
  const pid = Number(m[2]);
  return Number.isSafeInteger(pid) && pid > 0 ? { host: m[1]!, pid } : null;
}

/** True when the holder ran on this host and its process has exited (signal 0 probes without killing). */
export function isHolderGone(holder: string): boolean {
  const parsed = parseHolderId(holder);
  if (!parsed || parsed.host !== HOST) return false;
  if (parsed.pid === process.pid) return false;
  try {
    process.kill(parsed.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
