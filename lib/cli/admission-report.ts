// npm run admission:report -- [--week 2026-W47] [--json] — the admission rules joined to outcomes:
// the failure share of violating vs compliant rollouts per rule, and the what-if of enforcing each
// audit or warn rule. Without --week: every stored rollout.
import { parseArgs } from 'node:util';
import { formatOutcomeReport } from '../admission/format-outcomes';
import { getAdmissionOutcomes } from '../admission/outcomes';
import { getDb } from '../db';
import { runCli } from './run-cli';

await runCli(async () => {
  const { values } = parseArgs({ options: { week: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const report = await getAdmissionOutcomes(await getDb(), { week: values.week });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatOutcomeReport(report));
});
