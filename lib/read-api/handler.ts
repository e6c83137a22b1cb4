import type { z } from 'zod';
import { verifyReadToken } from '../auth/ingest-tokens';
import { getDb, type Db } from '../db';
import { getSettings, type Settings } from '../env';
import { errorResponse } from '../errors';
import { paramsOrThrow } from '../http/params';

type ObjectSchema = z.ZodObject<z.ZodRawShape>;
export type ReadCtx = { db: Db; settings: Settings; now?: Date };

/**
 * One GET of /api/v1: a read token (401 without one, 403 for an ingest token), then the URL
 * parameters (400 naming each bad one), then the read. Lib errors map to JSON in errorResponse.
 */
export async function answerRead(
  request: Request, { schema, read }: { schema: ObjectSchema; read: (ctx: ReadCtx, query: never) => Promise<unknown> }, deps?: Partial<ReadCtx>,
): Promise<Response> {
  try {
    const ctx: ReadCtx = { db: deps?.db ?? (await getDb()), settings: deps?.settings ?? getSettings(), now: deps?.now };
    await verifyReadToken(ctx.db, request.headers.get('authorization'));
    const query = paramsOrThrow(schema, new URL(request.url).searchParams);
    return Response.json(await read(ctx, query as never), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return errorResponse(error);
  }
}
