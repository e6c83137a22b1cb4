import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { PayloadTooLargeError, ValidationError } from '../../errors';
import { REQUEST, type OtlpEncoding } from './otlp-proto';

/**
 * OTLP/HTTP trace bodies (ExportTraceServiceRequest) as plain spans. Protobuf is decoded by the
 * generated OpenTelemetry code (otlp-proto.ts), then read through the same zod schema as OTLP/JSON,
 * whose field names and int64-as-string encoding it produces; only the ids differ (base64 there,
 * hex in JSON).
 */
export type { OtlpEncoding };
export const OTLP_CONTENT_TYPES: Record<string, OtlpEncoding> = { 'application/x-protobuf': 'protobuf', 'application/json': 'json' };

/** Spans per request: far more than one pipeline run exports, few enough to map in memory. */
export const MAX_SPANS = 50_000;
/** Bytes of one request after gunzip: OTLP exporters send batches of a few MiB at most (the SDK: 512 spans). */
export const OTLP_MAX_DECODED_BYTES = 8 * 1024 * 1024;
const MAX_ATTRIBUTES = 1_000;
const MAX_EVENTS = 1_000;
/** Arrays and key-value lists kept as text: more than a record attribute holds, so nothing huge is built. */
const MAX_NESTED_TEXT = 4_096;

const nanosSchema = z.union([z.string().regex(/^\d{1,20}$/, 'must be a count of nanoseconds'), z.number().int().nonnegative()]);
const hexId = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `must be ${bytes} bytes in hex`);
/** An attribute value: the scalar kinds as they are; arrays, key-value lists and bytes as JSON text. */
const anyValueSchema = z
  .object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.string().regex(/^-?\d{1,20}$/), z.number().int()]).optional(),
    doubleValue: z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]).optional(),
    arrayValue: z.unknown().optional(),
    kvlistValue: z.unknown().optional(),
    bytesValue: z.string().optional(),
  })
  .optional();
const keyValueSchema = z.object({ key: z.string(), value: anyValueSchema });
const attributesSchema = z.array(keyValueSchema).max(MAX_ATTRIBUTES).optional();

export type AttrValue = string | number | boolean;
export type Attributes = Record<string, AttrValue>;

/** The spans of one request, flattened: each with its resource's attributes. */
export type OtlpSpan = {
  /** 1-based position in the request: the "line" of its quarantine entry. */
  index: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startMs: number;
  endMs: number;
  attrs: Attributes;
  resource: Attributes;
  /** Span status: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  events: { name: string; attrs: Attributes }[];
};
export type UndecodedSpan = { index: number; field: string | null; reason: string; raw: string };

const spanSchema = z.object({
  traceId: hexId(16),
  spanId: hexId(8),
  parentSpanId: z.union([hexId(8), z.literal('')]).optional(),
  name: z.string().max(1_000).default(''),
  startTimeUnixNano: nanosSchema,
  endTimeUnixNano: nanosSchema,
  attributes: attributesSchema,
  events: z.array(z.object({ name: z.string().default(''), attributes: attributesSchema })).max(MAX_EVENTS).optional(),
  status: z.object({ code: z.number().int().min(0).max(2).optional(), message: z.string().optional() }).optional(),
});
const envelopeSchema = z.object({
  resourceSpans: z
    .array(z.object({
      resource: z.object({ attributes: attributesSchema }).optional(),
      scopeSpans: z.array(z.object({ spans: z.array(z.unknown()).optional() })).optional(),
    }))
    .optional(),
});

function valueOf(v: z.infer<typeof anyValueSchema>): AttrValue | undefined {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) return v.doubleValue;
  const other = v.arrayValue ?? v.kvlistValue ?? v.bytesValue;
  if (other === undefined) return undefined;
  return safeJson(other);
}

export function attributesOf(list: z.infer<typeof attributesSchema>): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) {
    const value = valueOf(kv.value);
    if (value !== undefined) out[kv.key] = value;
  }
  return out;
}

/** JSON text of a part of the body for the quarantine (which keeps its first 4 KB); never throws. */
function safeJson(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? 'undefined').slice(0, MAX_NESTED_TEXT);
  } catch {
    return '(nested too deeply to show)';
  }
}

const msOf = (nanos: string | number) => Number(BigInt(nanos) / 1_000_000n);
const describe = (issue: z.core.$ZodIssue) => ({ field: issue.path.map(String).join('.') || null, reason: issue.message });

/** Spans from a decoded body (OTLP/JSON shape, hex ids); a body that is not a request at all is a ValidationError. */
export function spansOf(body: unknown): { spans: OtlpSpan[]; undecoded: UndecodedSpan[] } {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    const { field, reason } = describe(envelope.error.issues[0]!);
    throw new ValidationError(`not an OTLP ExportTraceServiceRequest: ${field ?? 'body'} ${reason}`);
  }
  const spans: OtlpSpan[] = [];
  const undecoded: UndecodedSpan[] = [];
  let index = 0;
  for (const rs of envelope.data.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    for (const scope of rs.scopeSpans ?? []) {
      for (const raw of scope.spans ?? []) {
        index += 1;
        if (index > MAX_SPANS) throw new ValidationError(`more than ${MAX_SPANS} spans in one request; export smaller batches`);
        const parsed = spanSchema.safeParse(raw);
        if (!parsed.success) {
          undecoded.push({ index, ...describe(parsed.error.issues[0]!), raw: safeJson(raw) });
          continue;
        }
        const s = parsed.data;
        spans.push({
          index, traceId: s.traceId.toLowerCase(), spanId: s.spanId.toLowerCase(),
          parentSpanId: s.parentSpanId ? s.parentSpanId.toLowerCase() : null, name: s.name,
          startMs: msOf(s.startTimeUnixNano), endMs: msOf(s.endTimeUnixNano), attrs: attributesOf(s.attributes), resource,
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
          events: (s.events ?? []).map((e) => ({ name: e.name, attrs: attributesOf(e.attributes) })),
        });
      }
    }
  }
  return { spans, undecoded };
}

function checkSpanCount(message: Record<string, unknown>): void {
  let count = 0;
  for (const rs of (message.resourceSpans ?? []) as { scopeSpans?: { spans?: unknown[] }[] }[]) {
    for (const scope of rs.scopeSpans ?? []) count += scope.spans?.length ?? 0;
  }
  if (count > MAX_SPANS) throw new ValidationError(`more than ${MAX_SPANS} spans in one request; export smaller batches`);
}

const base64ToHex = (value: unknown) => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('hex') : value);

/** The body's bytes (gunzipped when Content-Encoding is gzip, within the byte limit) as a request object. */
export function decodeBody(body: Buffer, encoding: OtlpEncoding, contentEncoding: string | null, limit: number): unknown {
  const bytes = inflate(body, contentEncoding, limit);
  if (encoding === 'json') {
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new ValidationError(`body is not valid JSON: ${(error as Error).message}`);
    }
  }
  let object: Record<string, unknown>;
  try {
    // Both recurse into nested attribute values: a body nested past the stack is malformed too.
    const message = REQUEST.decode(bytes);
    // Counted before the second, larger copy (toObject): tiny spans must not multiply memory.
    checkSpanCount(message);
    object = REQUEST.toObject(message, { longs: String, bytes: String, enums: Number, defaults: false });
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(`body is not a protobuf ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  for (const rs of (object.resourceSpans ?? []) as { scopeSpans?: { spans?: Record<string, unknown>[] }[] }[]) {
    for (const scope of rs.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        for (const key of ['traceId', 'spanId', 'parentSpanId']) if (key in span) span[key] = base64ToHex(span[key]);
      }
    }
  }
  return object;
}

function inflate(body: Buffer, contentEncoding: string | null, limit: number): Buffer {
  const coding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '') return body;
  if (coding !== 'gzip') throw new ValidationError(`Content-Encoding "${coding}" is not supported: send gzip or no encoding`);
  try {
    return gunzipSync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLargeError(limit);
    throw new ValidationError(`body is not valid gzip: ${(error as Error).message}`);
  }
}
