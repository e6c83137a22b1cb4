// npm run db:seed — loads the demo data into DATABASE_URL when it holds no stage runs yet.
import { loadChainConfig } from '../chain/config';
import { syncChain } from '../chain/sync';
import { getDb } from '../db';
import { seedDemoIfEmpty } from '../demo/seed';
import { getSettings } from '../env';
import { runCli } from './run-cli';

await runCli(async () => {
  const settings = getSettings();
  const db = await getDb();
  await syncChain(db, loadChainConfig(settings.chainFile));
  const result = await seedDemoIfEmpty({ db, settings, log: (line) => console.log(line) });
  console.log(result.seeded ? `Loaded ${result.accepted.toLocaleString('en-US')} demo stage runs (${result.classes} error classes; ranked ${result.weeks.join(', ')}) in ${result.seconds.toFixed(1)} s.` : 'The database already holds stage runs; demo data not loaded.');
});
