import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClassRule } from '../../../lib/classify/class-rule-store';
import { ValidationError } from '../../../lib/errors';
import { fieldsOrThrow } from '../../../lib/http/params';
import { fieldErrors, formFieldOf, newRulePageSchema, ruleChangeFormSchema, ruleFormSchema } from '../../../lib/http/rule-form';

const errorsOf = (run: () => unknown): Record<string, string> => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return fieldErrors(error.message, error.details);
    throw error;
  }
  throw new Error('no error');
};

describe('the class-rule form', () => {
  it('turns the form into the rule lib takes: empty inputs are "any", attribute rows a map, positions from 1', () => {
    const form = fieldsOrThrow(ruleFormSchema, {
      name: 'Mirror timeouts', kind: 'template', pattern: 'pull mirror/<*>', stage: 'image-pull', errorCode: '', service: ' ', attrName: ['image', ''], attrGlob: ['mirror/*', ''],
      category: 'network', ownerId: '', assigneeId: '', trackerUrl: '', position: '1', weeks: '8', $ACTION_ID_abc: '',
    });
    expect(form).toEqual({
      id: undefined, position: 0, weeks: 8,
      rule: { name: 'Mirror timeouts', match: { kind: 'template', pattern: 'pull mirror/<*>', stage: 'image-pull', errorCode: null, service: null, attrs: { image: 'mirror/*' } }, category: 'network', ownerId: null, assigneeId: null, trackerUrl: null },
    });
    expect(parseClassRule(form.rule)).toMatchObject({ name: 'Mirror timeouts', match: { attrs: { image: 'mirror/*' } } });
    expect(fieldsOrThrow(ruleFormSchema, { attrName: 'image', attrGlob: '*' }).rule.match.attrs).toEqual({ image: '*' });
    expect(fieldsOrThrow(ruleFormSchema, {}).weeks).toBe(4);
    expect(fieldsOrThrow(ruleFormSchema, { position: '', weeks: '', id: '' })).toMatchObject({ id: undefined, position: undefined, weeks: 4 });
  });

  it('puts every error next to its input: bounds here, the rule\'s own checks in lib', () => {
    expect(errorsOf(() => fieldsOrThrow(ruleFormSchema, { weeks: '53', position: '0', name: 'x'.repeat(201), attrName: ['a', 'a'], attrGlob: ['*', ''] }))).toEqual({
      weeks: expect.stringContaining('from 1 to 52'), position: expect.stringContaining('from 1 to 501'), name: 'is longer than 200 characters',
      attrs: expect.stringMatching(/attribute “a” needs a glob.*attribute “a” is given twice/),
    });
    const rule = fieldsOrThrow(ruleFormSchema, { name: '', kind: 'regex', pattern: '(a)\\1', trackerUrl: 'javascript:alert(1)' }).rule;
    expect(errorsOf(() => parseClassRule(rule))).toEqual({
      name: expect.any(String), pattern: expect.stringContaining('is not a regular expression RE2 accepts'), trackerUrl: 'must be an http(s) link',
    });
    expect(fieldErrors('ownerId: "nobody" is not a team of the chain config', undefined)).toEqual({ ownerId: '"nobody" is not a team of the chain config' });
    expect(fieldErrors('classification is busy', undefined)).toEqual({ form: 'classification is busy' });
  });

  it('maps any field path to an input of the form, or to the form as a whole', () => {
    fc.assert(fc.property(fc.string(), (path) => {
      expect(['name', 'kind', 'pattern', 'stage', 'errorCode', 'service', 'attrs', 'category', 'ownerId', 'assigneeId', 'trackerUrl', 'position', 'weeks', 'form']).toContain(formFieldOf(path));
    }));
    expect(formFieldOf('match.attrs.image')).toBe('attrs');
    expect(formFieldOf('attrName.3')).toBe('attrs');
    expect(formFieldOf('rule.match.pattern')).toBe('pattern');
  });

  it('bounds the list\'s move and delete buttons and the split page\'s class', () => {
    expect(ruleChangeFormSchema.safeParse({ op: 'move', id: '3', position: '0' }).data).toEqual({ op: 'move', id: 3, position: 0 });
    expect(ruleChangeFormSchema.safeParse({ op: 'move', id: '3', position: '501' }).success).toBe(false);
    expect(ruleChangeFormSchema.safeParse({ op: 'drop', id: '3' }).success).toBe(false);
    expect(newRulePageSchema.safeParse({ class: '99999999999' }).success).toBe(false);
  });
});
