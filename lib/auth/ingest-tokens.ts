import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db';
import { UnauthorizedError } from '../errors';
import { ForbiddenError } from './roles';

/**
 * Bearer tokens for machines. Only SHA-256 hashes are stored. A token has one scope: "ingest"
 * (POST /api/ingest, the pre-flight check) or "read" (/api/v1, /metrics); neither may do the
 * other, so a leaked dashboard token cannot write data and a pipeline's token cannot read it.
 */
export const TOKEN_SCOPES = ['ingest', 'read'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token and returns it in clear text: the only time it is ever shown. */
export async function createIngestToken(db: Db, name: string, scope: TokenScope = 'ingest'): Promise<string> {
  const token = `rs_${randomBytes(24).toString('base64url')}`;
  await db.prisma.ingestToken.create({ data: { name, scope, tokenHash: hashToken(token) } });
  return token;
}

export function bearer(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** Constant-time comparison of two secrets of any length (their hashes have one length). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(hashToken(a), 'hex'), Buffer.from(hashToken(b), 'hex'));
}

/**
 * Checks an Authorization header for a token of `scope`: 401 when it is missing, unknown or
 * revoked, 403 when it is a valid token of the other scope. Returns the token's name.
 */
async function verifyScopedToken(db: Db, scope: TokenScope, header: string | null): Promise<string> {
  const token = bearer(header);
  if (!token) throw new UnauthorizedError(`missing bearer token: send "Authorization: Bearer <${scope} token>"`);
  const found = await db.prisma.ingestToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!found || found.revokedAt) throw new UnauthorizedError(`invalid or revoked ${scope} token`);
  if (found.scope !== scope) {
    const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');
    throw new ForbiddenError(`this is ${article(found.scope)} ${found.scope} token; this endpoint needs ${article(scope)} ${scope} token`);
  }
  await db.prisma.ingestToken.update({ where: { id: found.id }, data: { lastUsedAt: new Date() } });
  return found.name;
}

/**
 * Checks an Authorization header against the tokens in settings (INGEST_TOKENS, always of scope
 * ingest) and the database. Throws UnauthorizedError (or ForbiddenError for a read token); returns the token's name.
 */
export async function verifyIngestToken(db: Db, configured: readonly string[], header: string | null): Promise<string> {
  const token = bearer(header);
  if (token && configured.some((c) => sameSecret(c, token))) return 'settings';
  return verifyScopedToken(db, 'ingest', header);
}

/** For /api/v1 and /metrics: a database token of scope read. */
export async function verifyReadToken(db: Db, header: string | null): Promise<string> {
  return verifyScopedToken(db, 'read', header);
}

/**
 * For GET /metrics: open when METRICS_TOKEN is unset; else the header must carry that secret
 * (compared in constant time) or a read token.
 */
export async function verifyMetricsAccess(db: Db, metricsToken: string | null, header: string | null): Promise<void> {
  if (metricsToken === null) return;
  const token = bearer(header);
  if (token && sameSecret(metricsToken, token)) return;
  if (!token) throw new UnauthorizedError('missing bearer token: send "Authorization: Bearer <METRICS_TOKEN or a read token>"');
  await verifyReadToken(db, header);
}
