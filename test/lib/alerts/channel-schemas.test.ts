import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addChannelSchema, removeChannelSchema } from '../../../lib/alerts/channel-schemas';
import { fieldsOrThrow } from '../../../lib/http/params';

/** The Settings form of an alert channel: each bad field is refused, named. */
const refused = (fields: Record<string, unknown>) => {
  const r = addChannelSchema.safeParse(fields);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};
const ok = { owner: 'build', kind: 'webhook', name: 'ops-hook', url: 'https://hooks.example.com/x/SECRET' };

describe('the alert channel form schema', () => {
  it('accepts a webhook, a slack hook and an e-mail channel; blank fields count as absent', () => {
    expect(addChannelSchema.parse(ok)).toEqual(ok);
    expect(addChannelSchema.parse({ ...ok, kind: 'slack', to: '' })).toMatchObject({ kind: 'slack', to: undefined });
    expect(addChannelSchema.parse({ owner: 'build', kind: 'email', name: 'mail', url: '', to: 'a@example.com' }))
      .toMatchObject({ kind: 'email', to: 'a@example.com', url: undefined });
    expect(addChannelSchema.parse({ owner: 'build', kind: 'email', name: 'mail' }).to).toBeUndefined();
  });

  it('names the field of each bad value', () => {
    expect(refused({ ...ok, url: 'ftp://x.example.com/' })).toEqual(['url']);
    expect(refused({ ...ok, url: 'javascript:alert(1)' })).toEqual(['url']);
    expect(refused({ ...ok, url: `https://x.example.com/${'a'.repeat(2000)}` })).toEqual(['url']);
    expect(refused({ ...ok, url: undefined })).toEqual(['url']);
    expect(refused({ ...ok, kind: 'pager' })).toEqual(['kind']);
    expect(refused({ ...ok, name: 'Ops Hook' })).toEqual(['name']);
    expect(refused({ ...ok, owner: '' })).toEqual(['owner']);
    expect(refused({ ...ok, to: 'a@example.com' })).toEqual(['to']);
    expect(refused({ owner: 'build', kind: 'email', name: 'm', to: 'not-an-address' })).toEqual(['to']);
    expect(refused({ owner: 'build', kind: 'email', name: 'm', url: 'https://x.example.com' })).toEqual(['url']);
    expect(refused({ owner: 'fallback', kind: 'email', name: 'm' })).toEqual(['to']);
    expect(() => fieldsOrThrow(addChannelSchema, { ...ok, url: 'ftp://x' })).toThrow(/^url: must be an http\(s\) URL/);
    expect(() => fieldsOrThrow(removeChannelSchema, { id: 'abc' })).toThrow(/^id: /);
  });

  it('accepts exactly the http(s) URLs of at most 2,000 characters (generated)', () => {
    fc.assert(fc.property(fc.webUrl({ validSchemes: ['http', 'https', 'ftp'] }), (url) => {
      const good = /^https?:/.test(url) && url.length <= 2000;
      expect(addChannelSchema.safeParse({ ...ok, url }).success).toBe(good);
    }));
    fc.assert(fc.property(fc.integer({ min: 1900, max: 2100 }), (n) => {
      const url = `https://h.example.com/${'p'.repeat(n - 'https://h.example.com/'.length)}`;
      expect(addChannelSchema.safeParse({ ...ok, url }).success).toBe(n <= 2000);
    }));
  });
});
