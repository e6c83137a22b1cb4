import { verifyIngestToken } from '../auth/ingest-tokens';
import type { Db } from '../db';
import type { Settings } from '../env';
import { PayloadTooLargeError, ValidationError, errorResponse } from '../errors';
import { IngestAbortedError } from './ingest';
import { fromBuffer, ingestJsonArray, ingestStream, prepareIngest } from './sources';

type Deps = { db: Db; settings: Pick<Settings, 'ingestTokens' | 'maxBodyBytes' | 'maxLineBytes' | 'chainFile' | 'timeZone' | 'admissionFile'> & Partial<Pick<Settings, 'retentionDays'>> };

/** Reads a request body up to a byte limit (413 past it, also when Content-Length is absent or lies). */
export async function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new PayloadTooLargeError(limit);
  const parts: Buffer[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limit) throw new PayloadTooLargeError(limit);
      parts.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(parts, size);
}

/**
 * POST /api/ingest: NDJSON (default), a JSON array (Content-Type application/json) or CSV
 * (text/csv), authorised by an ingest token; answers with the ingestion summary.
 */
export async function handleIngestRequest(request: Request, deps: Deps): Promise<Response> {
  try {
    const tokenName = await verifyIngestToken(deps.db, deps.settings.ingestTokens, request.headers.get('authorization'));
    const body = await readBody(request, deps.settings.maxBodyBytes);
    const target = await prepareIngest(deps.db, deps.settings);
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const source = `http:${tokenName}`;
    if (type === 'application/json') {
      const ingested = ingestJsonArray(target, { source, body });
      if ('reason' in ingested) throw new ValidationError(ingested.reason);
      return Response.json(await ingested);
    }
    const format = type === 'text/csv' ? 'csv' : 'ndjson';
    return Response.json(await ingestStream(target, { source, format, input: fromBuffer(body) }));
  } catch (error) {
    // The database failed mid-way: what was stored stays (the summary says how much); the sender may retry the whole body.
    if (error instanceof IngestAbortedError) return Response.json({ error: error.message, summary: error.summary }, { status: 503, headers: { 'retry-after': '30' } });
    return errorResponse(error);
  }
}
