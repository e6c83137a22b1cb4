import type { Db } from '../../lib/db';

/**
 * Turns a stored week's ranking into one as stored before expected gain and toil existed: no
 * `impact`, `toil`, `toilRank` in its entries, no `fixTogether` in its summary. `frozen`: as sent
 * in its digest, so nothing recomputes it.
 */
export async function makeOldSnapshot(db: Db, week: string, frozen = true): Promise<void> {
  const snapshot = await db.prisma.rankingSnapshot.findUniqueOrThrow({ where: { week }, include: { entries: true } });
  const { fixTogether: _gone, ...summary } = snapshot.summary as Record<string, unknown>;
  await db.prisma.rankingSnapshot.update({ where: { id: snapshot.id }, data: { summary: summary as object, ...(frozen ? { frozenAt: new Date() } : {}) } });
  for (const e of snapshot.entries) {
    const { impact: _i, toil: _t, toilRank: _r, ...detail } = e.detail as Record<string, unknown>;
    await db.prisma.rankingEntry.update({ where: { id: e.id }, data: { detail: detail as object } });
  }
}
