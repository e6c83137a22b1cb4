// npm run token:create -- <name> — creates an ingest token for POST /api/ingest and prints it once.
import { createIngestToken } from '../auth/ingest-tokens';
import { getDb } from '../db';
import { runCli } from './run-cli';

await runCli(async () => {
  const name = process.argv[2]?.trim();
  if (!name) throw new Error('usage: npm run token:create -- <name>   (e.g. the pipeline that will use it)');
  const token = await createIngestToken(await getDb(), name);
  console.log(`Ingest token "${name}" (shown only now; only its hash is stored):\n${token}`);
});
