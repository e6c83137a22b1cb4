import type { Db } from '../db';
import { ValidationError } from '../errors';
import { createIngestToken } from './ingest-tokens';

/** Ingest tokens as the settings page manages them: listed without their secret, created, revoked. */
export async function listIngestTokens(db: Db) {
  return db.prisma.ingestToken.findMany({ orderBy: { createdAt: 'desc' }, select: { id: true, name: true, createdAt: true, lastUsedAt: true, revokedAt: true } });
}

export async function issueIngestToken(db: Db, name: string): Promise<string> {
  const trimmed = name.trim();
  if (!/^[\w .:-]{1,80}$/.test(trimmed)) throw new ValidationError('name the token after the pipeline that will use it (letters, digits, spaces, . : _ -; up to 80)');
  return createIngestToken(db, trimmed);
}

export async function revokeIngestToken(db: Db, id: number, now = new Date()): Promise<void> {
  const updated = await db.prisma.ingestToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  if (updated.count === 0) throw new ValidationError(`token ${id} does not exist or is already revoked`);
}
