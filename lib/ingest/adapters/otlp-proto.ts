import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js';

/**
 * The OTLP trace service messages, from the protobufjs code the OpenTelemetry JS project generates
 * from opentelemetry-proto (shipped in @opentelemetry/otlp-transformer; its typings say only "Root",
 * so the few members used are typed here).
 */
type Message = Record<string, unknown>;
type MessageType = {
  decode: (bytes: Uint8Array) => Message;
  toObject: (m: Message, o: Record<string, unknown>) => Record<string, unknown>;
  fromObject: (o: Record<string, unknown>) => Message;
  encode: (m: Message) => { finish: () => Uint8Array };
};
type Namespace = { opentelemetry: { proto: { collector: { trace: { v1: Record<string, MessageType> } } } } };
const TRACE_V1 = (root as unknown as Namespace).opentelemetry.proto.collector.trace.v1;
export const REQUEST = TRACE_V1.ExportTraceServiceRequest!;
const RESPONSE = TRACE_V1.ExportTraceServiceResponse!;

export type OtlpEncoding = 'protobuf' | 'json';

/** ExportTraceServiceResponse in the request's encoding: partial success when some spans were not stored. */
export function encodeResponse(encoding: OtlpEncoding, rejected: number, errorMessage: string): { body: BodyInit; contentType: string } {
  const partial = rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage } } : {};
  if (encoding === 'json') return { body: JSON.stringify(partial), contentType: 'application/json' };
  const bytes = RESPONSE.encode(RESPONSE.fromObject(partial)).finish();
  return { body: Buffer.from(bytes), contentType: 'application/x-protobuf' };
}

/** Reads a protobuf response back (tests, and anyone checking what the exporter sees). */
export function decodeResponse(bytes: Uint8Array): Record<string, unknown> {
  return RESPONSE.toObject(RESPONSE.decode(bytes), { longs: Number, defaults: false });
}

/** A request object as protobuf (tests build bodies from generated spans with it). */
export function encodeRequest(object: Record<string, unknown>): Uint8Array {
  return REQUEST.encode(REQUEST.fromObject(object)).finish();
}
