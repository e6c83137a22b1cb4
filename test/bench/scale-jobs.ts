import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../lib/db';
import { runScript, type ScriptRun } from './scale-child';
import { formatMb, formatSeconds, logStep } from './scale-log';

export type JobFigures = { digest: ScriptRun & { messages: number }; firstCheck: ScriptRun | null; nightlyCheck: ScriptRun };

/**
 * Times the Friday digest of `week` and the nightly admission check, each a child process as the
 * scheduler's jobs are. A digest sent before (a reused database) is forgotten first, so each run
 * times a first send: its messages and runs deleted, its ranking no longer frozen.
 */
export async function timeJobs(deps: { db: Db; week: string; env: Record<string, string>; outboxDir: string }): Promise<JobFigures> {
  await forgetDigest(deps.db, deps.week);
  const run = await runScript('digest', ['--week', deps.week], deps.env);
  const messages = await countEml(deps.outboxDir);
  logStep('jobs', `digest ${deps.week}: ${messages} messages to the outbox in ${formatSeconds(run.seconds)}, peak RSS ${formatMb(run.peakRssBytes)}`);
  const digest = { ...run, messages };
  // A database never checked judges every stored day once (window rules seen for the first time);
  // the nightly figure is the check after that one.
  const judged = await deps.db.prisma.admissionCursor.findFirst({ where: { name: { startsWith: 'days:' } } });
  const firstCheck = judged ? null : await timeCheck(deps.env, 'first check (every stored day judged)');
  return { digest, firstCheck, nightlyCheck: await timeCheck(deps.env, 'nightly check') };
}

async function timeCheck(env: Record<string, string>, label: string): Promise<ScriptRun> {
  const run = await runScript('admission:check', [], env);
  logStep('jobs', `admission ${label} in ${formatSeconds(run.seconds)}, peak RSS ${formatMb(run.peakRssBytes)}: ${run.stdout.split('\n')[0]}`);
  return run;
}

async function forgetDigest(db: Db, week: string): Promise<void> {
  await db.prisma.digestMessage.deleteMany({ where: { week } });
  await db.prisma.digestRun.deleteMany({ where: { week } });
  await db.prisma.rankingSnapshot.updateMany({ where: { week }, data: { frozenAt: null } });
}

async function countEml(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => path.extname(e) === '.eml').length;
}
