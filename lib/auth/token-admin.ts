import type { Db } from '../db';
import { ValidationError } from '../errors';
import { createIngestToken, isTokenScope, type TokenScope } from './ingest-tokens';

/** Machine tokens (ingest or read) as the settings page manages them: listed without their secret, created, revoked. */
export async function listIngestTokens(db: Db) {
  return db.prisma.ingestToken.findMany({ orderBy: { createdAt: 'desc' }, select: { id: true, name: true, scope: true, createdAt: true, lastUsedAt: true, revokedAt: true } });
}

export async function issueIngestToken(db: Db, name: string, scope: TokenScope = 'ingest'): Promise<string> {
  const trimmed = name.trim();
  if (!/^[\w .:-]{1,80}$/.test(trimmed)) throw new ValidationError('name the token after the pipeline that will use it (letters, digits, spaces, . : _ -; up to 80)');
  return createIngestToken(db, trimmed, scope);
}

export async function revokeIngestToken(db: Db, id: number, now = new Date()): Promise<void> {
  const updated = await db.prisma.ingestToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  if (updated.count === 0) throw new ValidationError(`token ${id} does not exist or is already revoked`);
}

const TOKEN_USAGE = 'usage: npm run token:create -- [--scope ingest|read] <name>   (e.g. the pipeline or dashboard using it)';

/** The arguments of `npm run token:create`: a name and an optional `--scope` (default ingest). */
export function parseTokenArgs(args: readonly string[]): { name: string; scope: TokenScope } {
  let scope: TokenScope = 'ingest';
  const rest: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const inline = /^--scope=(.*)$/.exec(arg);
    if (arg !== '--scope' && !inline) {
      rest.push(arg);
      continue;
    }
    const value = inline ? inline[1]! : args[(i += 1)];
    if (value === undefined || !isTokenScope(value)) {
      throw new ValidationError(`--scope: "${value ?? ''}" is not ingest or read\n${TOKEN_USAGE}`);
    }
    scope = value;
  }
  if (rest.length !== 1 || !rest[0]!.trim()) throw new ValidationError(TOKEN_USAGE);
  return { name: rest[0]!.trim(), scope };
}
