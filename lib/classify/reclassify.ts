import type { Db } from '../db';
import { execute, inList, inTransaction, queryRows } from '../sql';
import { readClassDayKeys, refreshClassDays, type ClassDayKey } from './class-days';
import { moveClassFacets } from './class-facets';
import { compileRule, firstMatch, matchOf, type CompiledRule, type EventFacts } from './class-rules';

/**
 * Applies the class rules to the history: every classified error event is put in the class of the
 * first rule that matches it, or — matching none — back in its miner class (following merges made
 * in triage). Only events whose class changes are written. Run under the classifier's lease
 * (lib/classify/classifier-lease.ts), so that no classification pass runs at the same time.
 */
export type ReclassifyResult = { scanned: number; moved: number; touched: number[]; seconds: number };

const PAGE = 20_000;
const UPDATE_CHUNK = 500;

type EventRow = { id: number; message: string; stageKey: string; code: string | null; service: string; errorClassId: number | null; ruleId: number | null; minerClassId: number; attrs?: unknown };

/** The rules in their order, compiled. */
export async function loadCompiledRules(db: Db): Promise<CompiledRule[]> {
  const rows = await db.prisma.classRule.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }] });
  return rows.map((r) => compileRule({ id: r.id, classId: r.classId, match: matchOf(r) }));
}

/**
 * Each class's live class: itself, or the class it was merged into (at the end of the chain). Read
 * with the client or inside a transaction (the classification pass and the miner upgrade read it there).
 */
export async function loadMergeTargets(client: Pick<Db['prisma'], 'errorClass'>): Promise<(classId: number) => number> {
  const merged = new Map((await client.errorClass.findMany({ where: { mergedIntoId: { not: null } }, select: { id: true, mergedIntoId: true } })).map((c) => [c.id, c.mergedIntoId!]));
  return (classId) => {
    let current = classId;
    for (let hops = 0; hops < 100 && merged.has(current); hops += 1) current = merged.get(current)!;
    return current;
  };
}

export function attrsOf(value: unknown): Record<string, unknown> | null {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}

function eventsSql(kind: Db['kind'], withAttrs: boolean): string {
  const p = kind === 'sqlite' ? ['?', '?'] : ['$1', '$2'];
  const columns = 'e."id", e."message", e."stageKey", e."code", e."service", e."errorClassId", e."ruleId", e."minerClassId"';
  const from = withAttrs ? `"ErrorEvent" e JOIN "StageRun" s ON s."id" = e."stageRunId"` : '"ErrorEvent" e';
  return `SELECT ${columns}${withAttrs ? ', s."attrs"' : ''} FROM ${from} WHERE e."id" > ${p[0]} AND e."minerClassId" IS NOT NULL ORDER BY e."id" LIMIT ${p[1]}`;
}

export async function reclassifyHistory(db: Db): Promise<ReclassifyResult> {
  const started = performance.now();
  const rules = await loadCompiledRules(db);
  const live = await loadMergeTargets(db.prisma);
  const withAttrs = rules.some((r) => r.needsAttrs);
  const bulk = await db.bulk();
  const moves = new Map<string, number[]>();
  const touched = new Set<number>();
  let scanned = 0;
  for (let after = 0; ; ) {
    const page = await queryRows<EventRow>(bulk, eventsSql(db.kind, withAttrs), [after, PAGE]);
    for (const e of page) {
      const facts: EventFacts = { message: e.message, stageKey: e.stageKey, code: e.code, service: e.service, attrs: withAttrs ? attrsOf(e.attrs) : null };
      const rule = firstMatch(rules, facts);
      const target = rule ? rule.classId : live(e.minerClassId);
      const ruleId = rule?.id ?? null;
      if (target === e.errorClassId && ruleId === e.ruleId) continue;
      if (e.errorClassId !== null) touched.add(e.errorClassId);
      touched.add(target);
      const key = `${target}:${ruleId ?? ''}`;
      const ids = moves.get(key);
      if (ids) ids.push(e.id);
      else moves.set(key, [e.id]);
    }
    scanned += page.length;
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  let moved = 0;
  for (const [key, ids] of moves) {
    const [classId, ruleId] = key.split(':');
    moved += await moveEvents(db, ids, Number(classId), ruleId ? Number(ruleId) : null);
  }
  return { scanned, moved, touched: [...touched], seconds: (performance.now() - started) / 1000 };
}

/**
 * Puts events in a class (with the rule that put them there, or none), in one transaction with the
 * per-class-per-day rollup of where they were counted and are counted now (class-days.ts) and their
 * facet counts (class-facets.ts).
 */
export async function moveEvents(db: Db, ids: readonly number[], classId: number, ruleId: number | null): Promise<number> {
  return inTransaction(db, async (tx) => {
    let moved = 0;
    const keys: ClassDayKey[] = [];
    for (let i = 0; i < ids.length; i += UPDATE_CHUNK) {
      const chunk = ids.slice(i, i + UPDATE_CHUNK);
      const before = await readClassDayKeys(db.kind, tx, `"id" IN (${chunk.map(() => '?').join(',')})`, chunk);
      await moveClassFacets(db.kind, tx, { where: `"id" IN (${chunk.map(() => '?').join(',')})`, args: chunk }, classId);
      const list = db.kind === 'sqlite' ? inList(db.kind, chunk.length) : chunk.map((_, j) => `$${j + 3}`).join(',');
      const p = db.kind === 'sqlite' ? ['?', '?'] : ['$1', '$2'];
      moved += await execute(tx, `UPDATE "ErrorEvent" SET "errorClassId" = ${p[0]}, "ruleId" = ${p[1]} WHERE "id" IN (${list})`, [classId, ruleId, ...chunk]);
      for (const k of before) keys.push(k, { ...k, classId });
    }
    await refreshClassDays(db.kind, tx, keys);
    return moved;
  });
}
