import type { Db } from '../db';
import { TemplateMiner, type MinerState } from './miner';

type Tx = Parameters<Parameters<Db['prisma']['$transaction']>[0]>[0];
const STATE_ID = 'template-miner';

/** The miner as last saved (what it learned from every earlier run), or a new one. */
export async function loadMiner(db: Db | { prisma: Tx }): Promise<TemplateMiner> {
  const row = await db.prisma.classifierState.findUnique({ where: { id: STATE_ID } });
  return row ? TemplateMiner.fromJSON(row.state as unknown as MinerState) : new TemplateMiner();
}

export async function saveMiner(tx: Tx, miner: TemplateMiner): Promise<void> {
  const state = miner.toJSON() as unknown as object;
  await tx.classifierState.upsert({ where: { id: STATE_ID }, create: { id: STATE_ID, state }, update: { state } });
}
