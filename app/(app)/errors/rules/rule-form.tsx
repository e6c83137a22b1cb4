'use client';

import { startTransition, useActionState, useEffect, useState, type FormEvent } from 'react';
import type { Option, RuleDraft, RuleFormOptions } from '../../../../lib/triage/rule-views';
import { previewRuleAction, saveRuleAction } from './actions';
import { PreviewPanel } from './preview-panel';
import { AttrRows, Choice, Field, type AttrRow } from './rule-fields';

const MAX_ATTRS = 10;
const DEFAULT_WEEKS = '4';

type Key = 'name' | 'kind' | 'pattern' | 'stage' | 'errorCode' | 'service' | 'category' | 'ownerId' | 'assigneeId' | 'trackerUrl' | 'position' | 'weeks';
type Values = Record<Key, string>;

function initialValues(d: RuleDraft): Values {
  const m = d.match;
  return {
    name: d.name, kind: m.kind, pattern: m.pattern, stage: m.stage ?? '', errorCode: m.errorCode ?? '', service: m.service ?? '',
    category: d.category ?? '', ownerId: d.ownerId ?? '', assigneeId: d.assigneeId ?? '', trackerUrl: d.trackerUrl ?? '',
    position: '', weeks: DEFAULT_WEEKS,
  };
}

/**
 * The rule form: Preview shows what the rule would take before Save re-classifies the history.
 * Fields are controlled and the actions are dispatched from onSubmit, so nothing typed is reset
 * by an answer; each field's error from the server shows beside it. `position`: an edited rule's
 * place (the preview runs it there).
 */
export function RuleForm(props: { draft: RuleDraft; options: RuleFormOptions; position: number | null }) {
  const { draft, options, position } = props;
  const [preview, previewAction, previewing] = useActionState(previewRuleAction, null);
  const [saved, saveAction, saving] = useActionState(saveRuleAction, null);
  const [values, setValues] = useState(() => initialValues(draft));
  const [attrs, setAttrs] = useState<AttrRow[]>(() => Object.entries(draft.match.attrs).map(([name, glob]) => ({ name, glob })));
  const [last, setLast] = useState<'preview' | 'save' | null>(null);
  const [createdId, setCreatedId] = useState<number | null>(null);
  const id = draft.id ?? createdId;
  useEffect(() => {
    if (!saved?.ok || draft.id !== null) return;
    // A created rule is edited from now on (a second Save changes it), and the address says so.
    setCreatedId(saved.ruleId);
    window.history.replaceState(null, '', `/errors/rules/${saved.ruleId}`);
  }, [saved, draft.id]);
  const answer = last === 'preview' ? preview : saved;
  const errors = answer && !answer.ok ? answer.fields : {};
  const set = (key: Key) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const input = (key: Key, extra: object = {}) => <input name={key} value={values[key]} onChange={(e) => set(key)(e.target.value)} {...extra} />;
  const choice = (key: Key, none: string, choices: Option[]) => <Choice name={key} value={values[key]} none={none} options={choices} onChange={set(key)} />;
  const busy = previewing || saving;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const which = submitter?.value === 'preview' ? 'preview' : 'save';
    const data = new FormData(event.currentTarget);
    setLast(which);
    startTransition(() => (which === 'preview' ? previewAction(data) : saveAction(data)));
  };

  return (
    <form action={saveAction} onSubmit={onSubmit} aria-label="Class rule" noValidate>
      {id !== null && <input type="hidden" name="id" value={id} />}
      {position !== null && <input type="hidden" name="position" value={position + 1} />}
      {errors.form && <p className="down" role="alert" data-error-for="form">{errors.form}</p>}
      <Field label="Name" name="name" error={errors.name}>{input('name', { placeholder: 'e.g. Registry mirror timeouts' })}</Field>
      <Field label="Message match" name="kind" error={errors.kind}>
        <select name="kind" value={values.kind} onChange={(e) => set('kind')(e.target.value)}>
          <option value="template">template: literal text with &lt;*&gt; for any run of text (case-sensitive)</option>
          <option value="regex">regular expression (RE2: no backreferences or lookaround; any case; found anywhere)</option>
        </select>
      </Field>
      <Field label="Pattern" name="pattern" error={errors.pattern}>
        <textarea name="pattern" rows={2} className="mono" value={values.pattern} onChange={(e) => set('pattern')(e.target.value)} />
      </Field>
      <Field label="Stage" name="stage" error={errors.stage}>{choice('stage', '(any stage)', options.stages)}</Field>
      <Field label="Error code" name="errorCode" error={errors.errorCode} hint="glob, * for any run (any case); empty: any">{input('errorCode')}</Field>
      <Field label="Service" name="service" error={errors.service} hint="glob, e.g. payments-*; empty: any">{input('service')}</Field>
      <AttrRows rows={attrs} max={MAX_ATTRS} error={errors.attrs} onChange={setAttrs} />
      <Field label="Category" name="category" error={errors.category}>
        {choice('category', '(category rules)', options.categories.map((c) => ({ value: c, label: c })))}
      </Field>
      <Field label="Owner team" name="ownerId" error={errors.ownerId}>{choice('ownerId', '(routing rules)', options.teams)}</Field>
      <Field label="Assignee" name="assigneeId" error={errors.assigneeId}>{choice('assigneeId', '(nobody)', options.people)}</Field>
      <Field label="Tracker issue" name="trackerUrl" error={errors.trackerUrl} hint="an http(s) link">
        {input('trackerUrl', { type: 'url', placeholder: 'https://tracker.example.com/ISSUE-1' })}
      </Field>
      {id === null && (
        <Field label="Position" name="position" error={errors.position} hint={`1 = first; empty: last (after the ${options.rules} rules)`}>
          {input('position', { inputMode: 'numeric', size: 4 })}
        </Field>
      )}
      <div className="filters">
        <label>Weeks to look back{input('weeks', { inputMode: 'numeric', size: 3, 'aria-label': 'Weeks to look back' })}</label>
        <button type="submit" name="intent" value="preview" className="secondary" formAction={previewAction} disabled={busy}>
          {previewing ? 'Previewing…' : 'Preview'}
        </button>
        <button type="submit" name="intent" value="save" disabled={busy}>{saving ? 'Re-classifying…' : id === null ? 'Save new rule' : 'Save rule'}</button>
        {errors.weeks && <span className="down" role="alert" data-error-for="weeks">{errors.weeks}</span>}
      </div>
      {saved?.ok && (
        <p role="status" className="up">
          {saved.message} <a href={`/errors/${saved.classId}`}>Open its class</a> · <a href="/errors/rules">All rules</a>
        </p>
      )}
      {preview?.ok && <PreviewPanel preview={preview.preview} weeks={preview.weeks} />}
    </form>
  );
}
