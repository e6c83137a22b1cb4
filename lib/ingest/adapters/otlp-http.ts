import { verifyIngestToken } from '../../auth/ingest-tokens';
import type { Db } from '../../db';
import type { Settings } from '../../env';
import { errorResponse, HttpError } from '../../errors';
import { readBody } from '../http';
import { IngestAbortedError } from '../ingest';
import { prepareIngest } from '../sources';
import { decodeBody, OTLP_CONTENT_TYPES, OTLP_MAX_DECODED_BYTES } from './otlp-decode';
import { encodeResponse } from './otlp-proto';
import { ingestOtlpRequest } from './otlp-ingest';
import { loadChainStageMap } from './chain-stage-map';

type Deps = {
  db: Db;
  settings: Pick<Settings, 'ingestTokens' | 'maxBodyBytes' | 'maxLineBytes' | 'chainFile' | 'timeZone' | 'admissionFile'> & Partial<Pick<Settings, 'retentionDays'>>;
};

class UnsupportedMediaTypeError extends HttpError {
  constructor(type: string) {
    super(415, `Content-Type "${type || '(none)'}" is not supported: send application/x-protobuf or application/json (OTLP/HTTP)`);
  }
}

/**
 * POST /v1/traces (OTLP/HTTP): an ExportTraceServiceRequest in protobuf or JSON, gzip or not,
 * authorised by an ingest token. Answers 200 with an ExportTraceServiceResponse in the request's
 * encoding — with partial_success naming how many spans went to the quarantine, and why the first
 * did — or 400 malformed, 401 bad token, 413 too large, 415 unsupported type, 503 database stopped.
 */
export async function handleOtlpTracesRequest(request: Request, deps: Deps): Promise<Response> {
  try {
    const tokenName = await verifyIngestToken(deps.db, deps.settings.ingestTokens, request.headers.get('authorization'));
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const encoding = OTLP_CONTENT_TYPES[type];
    if (!encoding) throw new UnsupportedMediaTypeError(type);
    const body = await readBody(request, deps.settings.maxBodyBytes);
    // Decoded OTLP is objects many times its size: its own cap, well under the generic body limit.
    const decoded = decodeBody(body, encoding, request.headers.get('content-encoding'), Math.min(deps.settings.maxBodyBytes, OTLP_MAX_DECODED_BYTES));
    const target = await prepareIngest(deps.db, deps.settings);
    const stageMap = loadChainStageMap(deps.settings.chainFile);
    const { summary } = await ingestOtlpRequest(target, { source: `otlp:${tokenName}`, request: decoded, stageMap });
    const first = summary.rejections[0];
    const message = first
      ? `${summary.rejected} span(s) quarantined (ingest batch #${summary.batchId}); `
        + `the first, span ${first.line}: ${first.field ?? 'span'} ${first.reason}`
      : '';
    const answer = encodeResponse(encoding, summary.rejected, message);
    return new Response(answer.body, { status: 200, headers: { 'content-type': answer.contentType } });
  } catch (error) {
    // OTLP clients retry on 503 with Retry-After; what was stored stays and re-sent spans are duplicates.
    if (error instanceof IngestAbortedError) {
      return Response.json({ error: error.message }, { status: 503, headers: { 'retry-after': '30' } });
    }
    return errorResponse(error);
  }
}
