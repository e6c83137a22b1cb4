import { parseArgs } from 'node:util';
import { z } from 'zod';

/** npm run bench:scale -- --database <url> --runs N [--loads 20] [--seed 42] [--end 2026-12-01] [--services 200] */
const scaleOptionsSchema = z.object({
  database: z.string().regex(/^(file:|postgres(ql)?:\/\/)/, 'must be a file: (SQLite) or postgresql:// URL'),
  runs: z.coerce.number().int().min(1_000).max(1_000_000_000),
  loads: z.coerce.number().int().min(1).max(1_000).default(20),
  seed: z.coerce.number().int().min(0).default(42),
  /** Exclusive end of the year of data: fixed, so that a rerun can reuse the database it built. */
  end: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD').default('2026-12-01'),
  services: z.coerce.number().int().min(1).max(100_000).default(200),
});

export type ScaleOptions = z.infer<typeof scaleOptionsSchema>;

/** The command line, checked: a readable error naming the option. */
export function parseScaleOptions(args: string[]): ScaleOptions {
  const spec = { type: 'string' } as const;
  const { values } = parseArgs({ args, options: { database: spec, runs: spec, loads: spec, seed: spec, end: spec, services: spec } });
  const parsed = scaleOptionsSchema.safeParse(values);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`);
  throw new Error(`bench:scale: bad arguments\n${lines.join('\n')}\nusage: npm run bench:scale -- --database <postgresql:// or file: url> --runs N [--loads 20]`);
}
