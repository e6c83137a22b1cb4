import type { Db } from '../db';
import type { ChainConfig } from './config';

export type Chain = { stages: { key: string; name: string; position: number; ownerId: string | null }[] };

/**
 * Loads the chain config into the database: teams and people become owners, stages are upserted in order.
 * Stages no longer in the config keep their rows (their history stays readable) but move after the
 * configured ones.
 */
export async function syncChain(db: Db, config: ChainConfig): Promise<void> {
  await db.prisma.$transaction(async (tx) => {
    for (const team of config.teams) {
      const data = { name: team.name, kind: 'team', email: team.email, leadEmail: team.leadEmail ?? null };
      await tx.owner.upsert({ where: { id: team.id }, create: { id: team.id, ...data }, update: data });
    }
    for (const person of config.people) {
      const data = { name: person.name, kind: 'person', email: person.email, teamId: person.team };
      await tx.owner.upsert({ where: { id: person.id }, create: { id: person.id, ...data }, update: data });
    }
    const configured = new Set(config.stages.map((s) => s.key));
    const stale = await tx.stage.findMany({ where: { key: { notIn: [...configured] } }, orderBy: { position: 'asc' } });
    // Positions are unique: park every row far away first, then write the final order.
    const all = await tx.stage.findMany({ select: { key: true } });
    for (const [i, s] of all.entries()) await tx.stage.update({ where: { key: s.key }, data: { position: -1 - i } });
    for (const [i, s] of config.stages.entries()) {
      const data = { name: s.name, position: i, ownerId: s.owner };
      await tx.stage.upsert({ where: { key: s.key }, create: { key: s.key, ...data }, update: data });
    }
    for (const [i, s] of stale.entries()) await tx.stage.update({ where: { key: s.key }, data: { position: config.stages.length + i } });
  });
}

/** The chain as stored, in order. */
export async function getChain(db: Db): Promise<Chain> {
  const stages = await db.prisma.stage.findMany({ orderBy: { position: 'asc' } });
  return { stages };
}
