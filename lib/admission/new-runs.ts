import type { Db } from '../db';
import { queryRows } from '../sql';
import type { ImageSettings } from './config';

/**
 * The stage runs one ingestion stored, as a StageRun id range (fromId, toId]: the primary key,
 * so reading them needs no index on the insert path. The facts the per-record kinds share are read
 * once, on first use.
 */
export type ImageRun = { rolloutId: string; service: string; stageKey: string; host: string | null; at: Date; image: string | null };

type RawImageRun = { rolloutId: string; service: string; stageKey: string; host: string | null; at: string | Date; image: string | number | null };

/** The SQL of a JSON attribute as text (the attribute name is validated by the rules file schema). */
export function attrSql(kind: Db['kind'], attr: string): string {
  return kind === 'sqlite' ? `json_extract("attrs", '$.${attr}')` : `("attrs"->>'${attr}')`;
}

function params(kind: Db['kind'], count: number): string[] {
  return Array.from({ length: count }, (_, i) => (kind === 'sqlite' ? '?' : `$${i + 1}`));
}

export class NewRuns {
  private buildsAndPushes: Promise<ImageRun[]> | null = null;

  constructor(
    readonly db: Db,
    readonly images: ImageSettings,
    /** Exclusive. */
    readonly fromId: number,
    /** Inclusive. */
    readonly toId: number,
  ) {}

  /** `"id" > a AND "id" <= b` with the dialect's placeholders starting at `first`. */
  rangeSql(first = 1): string {
    const p = this.db.kind === 'sqlite' ? ['?', '?'] : [`$${first}`, `$${first + 1}`];
    return `"id" > ${p[0]} AND "id" <= ${p[1]}`;
  }

  /** Successful image builds and pushes among the new runs, oldest first (`image` null when the run names none). */
  imageRuns(): Promise<ImageRun[]> {
    this.buildsAndPushes ??= (async () => {
      const p = params(this.db.kind, 4);
      const rows = await queryRows<RawImageRun>(
        await this.db.bulk(),
        `SELECT "rolloutId","service","stageKey","host","startedAt" AS "at",${attrSql(this.db.kind, this.images.attr)} AS "image" FROM "StageRun"
         WHERE "id" > ${p[0]} AND "id" <= ${p[1]} AND "stageKey" IN (${p[2]},${p[3]}) AND "status" = 'succeeded'`,
        [this.fromId, this.toId, this.images.buildStage, this.images.pushStage],
      );
      return toImageRuns(rows);
    })();
    return this.buildsAndPushes;
  }
}

function toImageRuns(rows: RawImageRun[]): ImageRun[] {
  return rows
    .map((r) => ({ rolloutId: r.rolloutId, service: r.service, stageKey: r.stageKey, host: r.host, at: new Date(r.at), image: r.image === null || r.image === '' ? null : String(r.image) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}
