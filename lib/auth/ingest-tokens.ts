import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db';
import { UnauthorizedError } from '../errors';

/** Ingest tokens: a bearer secret per producer. Only SHA-256 hashes are stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token and returns it in clear text: the only time it is ever shown. */
export async function createIngestToken(db: Db, name: string): Promise<string> {
  const token = `rs_${randomBytes(24).toString('base64url')}`;
  await db.prisma.ingestToken.create({ data: { name, tokenHash: hashToken(token) } });
  return token;
}

function bearer(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/**
 * Checks an Authorization header against the tokens in settings (INGEST_TOKENS) and the database.
 * Throws UnauthorizedError; returns the token's name.
 */
export async function verifyIngestToken(db: Db, configured: readonly string[], header: string | null): Promise<string> {
  const token = bearer(header);
  if (!token) throw new UnauthorizedError('missing bearer token: send "Authorization: Bearer <ingest token>"');
  const hash = Buffer.from(hashToken(token), 'hex');
  if (configured.some((c) => timingSafeEqual(Buffer.from(hashToken(c), 'hex'), hash))) return 'settings';
  const found = await db.prisma.ingestToken.findUnique({ where: { tokenHash: hash.toString('hex') } });
  if (!found || found.revokedAt) throw new UnauthorizedError('invalid or revoked ingest token');
  await db.prisma.ingestToken.update({ where: { id: found.id }, data: { lastUsedAt: new Date() } });
  return found.name;
}
