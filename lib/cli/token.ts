// npm run token:create -- [--scope ingest|read] <name> — creates a token and prints it once:
// ingest (the default) for POST /api/ingest, read for /api/v1 and /metrics.
import { issueIngestToken, parseTokenArgs } from '../auth/token-admin';
import { getDb } from '../db';
import { runCli } from './run-cli';

await runCli(async () => {
  const { name, scope } = parseTokenArgs(process.argv.slice(2));
  const token = await issueIngestToken(await getDb(), name, scope);
  const use = scope === 'read' ? 'GET /api/v1/* and /metrics' : 'POST /api/ingest';
  console.log(`${scope === 'read' ? 'Read' : 'Ingest'} token "${name}" for ${use} (shown only now; only its hash is stored):\n${token}`);
});
