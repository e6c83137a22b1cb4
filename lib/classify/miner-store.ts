import type { Db } from '../db';
import { MinerStateVersionError, TemplateMiner, type MinerState } from './miner';
import { upgradeMiner } from './miner-upgrade';

type Tx = Parameters<Parameters<Db['prisma']['$transaction']>[0]>[0];
const STATE_ID = 'template-miner';

/**
 * What the miner learned lives in the database (ClassifierState), saved with every classification
 * and numbered by `version`. Each process keeps the copy it last loaded or saved, and reads the
 * state again only when another process saved a newer one: classification at every ingestion
 * then costs no load of the whole state.
 */
const copies = new WeakMap<Db, { version: number; miner: TemplateMiner }>();

/** The version of the state each handed-out miner was read from (0: none saved yet). */
const loadedFrom = new WeakMap<TemplateMiner, number>();

/**
 * Another process saved the state after this one read it: two classifications ran at once (the
 * classifier's lease was lost: a process stalled past its expiry). Saving would drop what the other
 * learned, so this transaction is rolled back; the events it read stay unclassified for the next run.
 */
export class MinerStateConflictError extends Error {
  override name = 'MinerStateConflictError';
  constructor(read: number) {
    super(`the classifier's state changed since this run read it (version ${read}): another classification ran at the same time; this one is rolled back and its events are classified by the next run`);
  }
}

/** The miner as last saved (what every earlier run learned), or a new one. */
export async function loadMiner(db: Db, tx: Tx): Promise<TemplateMiner> {
  const head = await tx.classifierState.findUnique({ where: { id: STATE_ID }, select: { version: true } });
  const copy = copies.get(db);
  // The copy is handed out to be changed: until saved again it is no longer a copy of the state.
  copies.delete(db);
  const miner = await readMiner(tx, head, copy);
  loadedFrom.set(miner, head?.version ?? 0);
  return miner;
}

async function readMiner(tx: Tx, head: { version: number } | null, copy: { version: number; miner: TemplateMiner } | undefined): Promise<TemplateMiner> {
  if (!head) return new TemplateMiner();
  if (copy && copy.version === head.version) return copy.miner;
  const row = await tx.classifierState.findUniqueOrThrow({ where: { id: STATE_ID } });
  try {
    return TemplateMiner.fromJSON(row.state as unknown as MinerState);
  } catch (error) {
    if (!(error instanceof MinerStateVersionError)) throw error;
    // Saved by an older miner version: relearned, with the classes mapped onto the new clusters.
    return (await upgradeMiner(tx)).miner;
  }
}

/** Saves the miner over the version it was read from; throws MinerStateConflictError when another process saved since. */
export async function saveMiner(db: Db, tx: Tx, miner: TemplateMiner): Promise<void> {
  const state = miner.toJSON() as unknown as object;
  const read = loadedFrom.get(miner) ?? 0;
  if (read === 0) await tx.classifierState.create({ data: { id: STATE_ID, state, version: 1 } });
  else {
    // Compare-and-swap on the version: on PostgreSQL a concurrent saver's row lock makes this wait, then match nothing.
    const swapped = await tx.classifierState.updateMany({ where: { id: STATE_ID, version: read }, data: { state, version: read + 1 } });
    if (swapped.count !== 1) throw new MinerStateConflictError(read);
  }
  // Kept only once the transaction commits (see rememberMiner).
  pending.set(db, { version: read + 1, miner });
}

const pending = new WeakMap<Db, { version: number; miner: TemplateMiner }>();

/** After the transaction that saved the miner committed: this process's copy is now the saved state. */
export function rememberMiner(db: Db): void {
  const saved = pending.get(db);
  pending.delete(db);
  if (saved) copies.set(db, saved);
}
