import type { Db } from '../../lib/db';
import type { SchedulerProc } from './instances-procs';

/**
 * The kill of the instances soak: waits until a scheduler holds a job's occurrence lease (it is
 * running that job), SIGKILLs it there, then watches every lease it held until another process
 * has it (or it is gone): the takeover, timed from the kill.
 */
export type KillReport = { killed: boolean; job: string | null; leases: { name: string; expiresInMs: number; takenAfterMs: number | null; by: string | null }[] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function killHoldingJob(db: Db, victim: SchedulerProc, opts: { prefer: string; deadline: number; watchMs: number }): Promise<KillReport> {
  const mine = { holder: { startsWith: `${victim.host}:` } };
  let held: { name: string; holder: string; expiresAt: Date }[] = [];
  // The preferred job first (a digest with nothing left to send), any job's lease after half the wait.
  const half = Date.now() + (opts.deadline - Date.now()) / 2;
  while (Date.now() < opts.deadline) {
    held = await db.prisma.jobLock.findMany({ where: mine });
    // Both the occurrence's lease and the job's own: the job has started (its JobRun says "running").
    const running = held.filter((l) => l.name.startsWith('scheduler:') && held.some((j) => `scheduler:${j.name}` === l.name));
    const job = running.find((l) => l.name === `scheduler:${opts.prefer}`) ?? (Date.now() > half ? running[0] : undefined);
    if (job) break;
    held = [];
    await sleep(20);
  }
  if (held.length === 0) return { killed: false, job: null, leases: [] };
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  await victim.exit;
  held = await db.prisma.jobLock.findMany({ where: mine });
  const job = held.find((l) => l.name.startsWith('scheduler:'))?.name.slice('scheduler:'.length) ?? null;
  const leases = held.map((l) => ({ name: l.name, expiresInMs: l.expiresAt.getTime() - killedAt, takenAfterMs: null as number | null, by: null as string | null }));
  while (leases.some((l) => l.takenAfterMs === null) && Date.now() - killedAt < opts.watchMs) {
    for (const l of leases.filter((x) => x.takenAfterMs === null)) {
      const row = await db.prisma.jobLock.findUnique({ where: { name: l.name } });
      if (row && row.holder.startsWith(`${victim.host}:`)) continue;
      l.takenAfterMs = Date.now() - killedAt;
      l.by = row?.holder ?? 'released by its next holder';
    }
    await sleep(50);
  }
  return { killed: true, job, leases };
}
