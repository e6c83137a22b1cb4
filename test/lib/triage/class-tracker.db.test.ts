import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { classTrackerFormSchema, getClassTrackerUrl, setClassTrackerUrl } from '../../../lib/triage/class-tracker';
import { createTestDb, EXPECTED_KIND } from '../../helpers/db';

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

describe('the tracker link form schema', () => {
  it('accepts http(s) links up to 2,000 characters and an empty field (clear)', () => {
    expect(classTrackerFormSchema.parse({ id: '3', trackerUrl: ' https://t.example.com/i/1 ' })).toEqual({ id: 3, trackerUrl: 'https://t.example.com/i/1' });
    expect(classTrackerFormSchema.parse({ id: '3', trackerUrl: '' })).toEqual({ id: 3, trackerUrl: null });
    expect(classTrackerFormSchema.safeParse({ id: '3', trackerUrl: `https://t.example.com/${'a'.repeat(1978)}` }).success).toBe(true);
  });

  it('refuses anything else, naming the field', () => {
    fc.assert(
      fc.property(fc.constantFrom('javascript:alert(1)', 'ftp://x.example.com/a', 'not a url', 'http://', `https://t.example.com/${'a'.repeat(2000)}`, 'https://a b'), (url) => {
        const r = classTrackerFormSchema.safeParse({ id: '1', trackerUrl: url });
        expect(r.success).toBe(false);
        expect(r.error?.issues[0]?.path).toEqual(['trackerUrl']);
      }),
    );
  });
});

describe(`setClassTrackerUrl (${EXPECTED_KIND})`, () => {
  it('stores the link, records the decision, clears it, and refuses merged or missing classes', async () => {
    const t = await createTestDb();
    open.push(t);
    const a = await t.db.prisma.errorClass.create({ data: { key: 'a', template: 'a' } });
    const b = await t.db.prisma.errorClass.create({ data: { key: 'b', template: 'b', mergedIntoId: a.id } });
    await setClassTrackerUrl(t.db, { classId: a.id, trackerUrl: 'https://t.example.com/i/9', actor: 'eng@example.com' });
    expect(await getClassTrackerUrl(t.db, a.id)).toBe('https://t.example.com/i/9');
    await setClassTrackerUrl(t.db, { classId: a.id, trackerUrl: null, actor: 'eng@example.com' });
    expect(await getClassTrackerUrl(t.db, a.id)).toBeNull();
    const decisions = await t.db.prisma.classDecision.findMany({ where: { classId: a.id }, orderBy: { id: 'asc' } });
    expect(decisions.map((d) => [d.kind, d.value])).toEqual([['tracker', { trackerUrl: 'https://t.example.com/i/9' }], ['tracker', { trackerUrl: null }]]);
    await expect(setClassTrackerUrl(t.db, { classId: b.id, trackerUrl: null, actor: 'x' })).rejects.toThrow(`was merged into ${a.id}`);
    await expect(setClassTrackerUrl(t.db, { classId: 999_999, trackerUrl: null, actor: 'x' })).rejects.toThrow('does not exist');
  });
});
