// npm run admission:check — evaluates the admission rules now (as the daily job does) and prints
// what opened, reopened and resolved, and the open violations per rule.
import { runAdmissionCheck } from '../admission/check';
import { loadAdmissionRules } from '../admission/config';
import { getDb } from '../db';
import { getSettings } from '../env';
import { runCli } from './run-cli';

await runCli(async () => {
  const settings = getSettings();
  const db = await getDb();
  const r = await runAdmissionCheck({ db, policy: loadAdmissionRules(settings.admissionFile), timeZone: settings.timeZone });
  console.log(`${r.rules} rules checked: ${r.findings} findings; ${r.opened} violations opened, ${r.updated} seen again, ${r.reopened} reopened, ${r.resolved} resolved.`);
  const open = await db.prisma.admissionViolation.groupBy({ by: ['ruleId'], where: { status: { in: ['open', 'acknowledged'] } }, _count: { _all: true } });
  for (const o of open) console.log(`  ${o.ruleId}: ${o._count._all} open`);
});
