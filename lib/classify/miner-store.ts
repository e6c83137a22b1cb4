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

/** The miner as last saved (what every earlier run learned), or a new one. */
export async function loadMiner(db: Db, tx: Tx): Promise<TemplateMiner> {
  const head = await tx.classifierState.findUnique({ where: { id: STATE_ID }, select: { version: true } });
  const copy = copies.get(db);
  // The copy is handed out to be changed: until saved again it is no longer a copy of the state.
  copies.delete(db);
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

export async function saveMiner(db: Db, tx: Tx, miner: TemplateMiner): Promise<void> {
  const state = miner.toJSON() as unknown as object;
  const saved = await tx.classifierState.upsert({ where: { id: STATE_ID }, create: { id: STATE_ID, state, version: 1 }, update: { state, version: { increment: 1 } }, select: { version: true } });
  // Kept only once the transaction commits (see rememberMiner).
  pending.set(db, { version: saved.version, miner });
}

const pending = new WeakMap<Db, { version: number; miner: TemplateMiner }>();

/** After the transaction that saved the miner committed: this process's copy is now the saved state. */
export function rememberMiner(db: Db): void {
  const saved = pending.get(db);
  pending.delete(db);
  if (saved) copies.set(db, saved);
}
