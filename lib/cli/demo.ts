// Writes seeded demo input files (one per UTC day) for the configured chain: `npm run demo`.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadChainConfig } from '../chain/config';
import { DEMO_DEFAULTS } from '../demo/generate';
import { computeRolloutsPerDay, writeDemoFiles } from '../demo/write-files';
import { getSettings } from '../env';

const USAGE = `usage: npm run demo -- [--out data/demo] [--days 30] [--rollouts-per-day 1000]
  [--services 200] [--seed 42] [--end YYYY-MM-DD] [--records N] [--format ndjson|csv]`;

const count = (max: number) => z.coerce.number({ error: 'must be a number' }).int().min(1).max(max);
const argsSchema = z.object({
  out: z.string().min(1).default('data/demo'),
  days: count(3660).default(DEMO_DEFAULTS.days),
  'rollouts-per-day': count(10_000_000).default(DEMO_DEFAULTS.rolloutsPerDay),
  services: count(100_000).default(DEMO_DEFAULTS.services),
  seed: z.coerce.number({ error: 'must be a number' }).int().min(0).max(0xffffffff).default(DEMO_DEFAULTS.seed),
  end: z.iso.date('must be a date like 2026-11-27').optional(),
  records: count(1_000_000_000).optional(),
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
});

function parseOptions(argv: string[]): z.infer<typeof argsSchema> {
  const names = Object.keys(argsSchema.shape);
  const { values } = parseArgs({ args: argv, strict: true, options: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) });
  const parsed = argsSchema.safeParse(values);
  if (parsed.success) return parsed.data;
  throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
}

async function main(): Promise<void> {
  const args = parseOptions(process.argv.slice(2));
  const now = new Date();
  // Default: the range ends at tomorrow 00:00 UTC, so it includes today.
  const end = args.end ? new Date(`${args.end}T00:00:00Z`) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const stages = loadChainConfig(getSettings().chainFile).stages.map((s) => s.key);
  const base = { seed: args.seed, end, days: args.days, services: args.services, stages };
  const rolloutsPerDay = args.records ? computeRolloutsPerDay(args.records, base) : args['rollouts-per-day'];
  // Redraw one line on a terminal; keep each update on its own line in logs.
  const lineStart = process.stderr.isTTY ? '\r' : '\n';
  const started = performance.now();
  const result = await writeDemoFiles({
    ...base, rolloutsPerDay, dir: args.out, format: args.format,
    onProgress: (n) => process.stderr.write(`${lineStart}writing demo records: ${n.toLocaleString('en-US')}`),
  });
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write('\n');
  console.log(`Wrote ${result.records.toLocaleString('en-US')} records (${rolloutsPerDay} rollouts/day, ${stages.length} stages) `
    + `to ${result.files.length} ${args.format} files in ${args.out} in ${seconds.toFixed(1)} s `
    + `(${Math.round(result.records / seconds).toLocaleString('en-US')} records/s)`);
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
});
