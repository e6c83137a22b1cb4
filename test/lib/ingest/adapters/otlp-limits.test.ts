import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HttpError, ValidationError } from '../../../../lib/errors';
import { MAX_SPANS, OTLP_MAX_DECODED_BYTES, decodeBody } from '../../../../lib/ingest/adapters/otlp-decode';
import { REQUEST } from '../../../../lib/ingest/adapters/otlp-proto';

const encode = (spans: number) =>
  Buffer.from(REQUEST.encode(REQUEST.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: Array.from({ length: spans }, () => ({})) }] }] })).finish());

describe('OTLP request limits', () => {
  it('refuses a gzip body that inflates past the decoded cap, before decoding it', () => {
    const bomb = gzipSync(Buffer.alloc(OTLP_MAX_DECODED_BYTES + 1));
    expect(bomb.length).toBeLessThan(64 * 1024);
    let thrown: unknown;
    try {
      decodeBody(bomb, 'protobuf', 'gzip', OTLP_MAX_DECODED_BYTES);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    expect((thrown as HttpError).status).toBe(413);
  });

  it('counts spans before building the second copy of a request: tiny spans cannot multiply memory', () => {
    expect(() => decodeBody(encode(MAX_SPANS + 1), 'protobuf', null, OTLP_MAX_DECODED_BYTES)).toThrow(ValidationError);
    expect(() => decodeBody(encode(MAX_SPANS + 1), 'protobuf', null, OTLP_MAX_DECODED_BYTES)).toThrow(`more than ${MAX_SPANS} spans`);
    expect(decodeBody(encode(3), 'protobuf', null, OTLP_MAX_DECODED_BYTES)).toMatchObject({ resourceSpans: [{ scopeSpans: [{ spans: [{}, {}, {}] }] }] });
  });
});
