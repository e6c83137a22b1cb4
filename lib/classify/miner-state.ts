import { z } from 'zod';

/**
 * The miner's saved state (ClassifierState). Version 2 holds templates as punctuation-keeping
 * tokens (tokenize.ts); version 1 (whitespace tokens, every distinct signature) cannot be read as
 * such: its classes need mapping onto new ones, so reading it throws MinerStateVersionError.
 */
export const MINER_STATE_VERSION = 2;

export class MinerStateVersionError extends Error {
  override name = 'MinerStateVersionError';
  constructor(readonly found: unknown) {
    super(`template miner state version ${JSON.stringify(found)} is not ${MINER_STATE_VERSION}: the saved classes need mapping onto the new miner`);
  }
}

const minerStateSchema = z.object({
  version: z.literal(MINER_STATE_VERSION),
  nextId: z.number().int().positive(),
  clock: z.number().int().nonnegative(),
  clusters: z.array(z.object({ id: z.number().int().positive(), tokens: z.array(z.string()), count: z.number().int().nonnegative(), seen: z.number().int().nonnegative() })),
  aliases: z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])),
});
export type MinerState = z.infer<typeof minerStateSchema>;

/** The state, checked; another version throws MinerStateVersionError, a malformed one names the field. */
export function parseMinerState(state: unknown): MinerState {
  const version = state && typeof state === 'object' ? (state as { version?: unknown }).version : undefined;
  if (version !== MINER_STATE_VERSION) throw new MinerStateVersionError(version);
  const parsed = minerStateSchema.safeParse(state);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`template miner state: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
