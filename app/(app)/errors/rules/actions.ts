'use server';

import { revalidatePath } from 'next/cache';
import { createClassRule, deleteClassRule, getClassRule, moveClassRule, updateClassRule, type RuleChangeDeps } from '../../../../lib/classify/class-rule-store';
import { previewClassRule, type RulePreview } from '../../../../lib/classify/rule-preview';
import { loadCategoryConfig, loadRoutingConfig } from '../../../../lib/classify/rules';
import { getDb } from '../../../../lib/db';
import { getSettings } from '../../../../lib/env';
import { HttpError } from '../../../../lib/errors';
import { fieldsOrThrow, formFields } from '../../../../lib/http/params';
import { fieldErrors, ruleChangeFormSchema, ruleFormSchema } from '../../../../lib/http/rule-form';
import { describeChange } from '../../../../lib/triage/rule-text';
import { authorize } from '../../../_lib/auth';

/** An action's answer: what it did, or the error and each form field's part of it. */
type Failed = { ok: false; error: string; fields: Record<string, string> };
export type SaveState = { ok: true; message: string; ruleId: number; classId: number } | Failed | null;
export type PreviewState = { ok: true; preview: RulePreview; weeks: number } | Failed | null;
export type ChangeState = { ok: true; message: string } | Failed | null;

// lib's typed errors become the answer (field errors next to their inputs); anything else is a bug and is thrown.
async function answer<T>(work: () => Promise<T>): Promise<T | Failed> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message, fields: fieldErrors(error.message, error.details) };
    throw error;
  }
}

async function ruleDeps(): Promise<RuleChangeDeps> {
  const user = await authorize('engineer');
  const settings = getSettings();
  return {
    db: await getDb(), actor: user.email, timeZone: settings.timeZone,
    categories: loadCategoryConfig(settings.categoriesFile), routing: loadRoutingConfig(settings.routingFile),
  };
}

const ATTR_LISTS = ['attrName', 'attrGlob'];

/** What the rule in the form would take over the last weeks, before it is saved. */
export async function previewRuleAction(_: PreviewState, form: FormData): Promise<PreviewState> {
  return answer(async () => {
    const input = fieldsOrThrow(ruleFormSchema, formFields(form, ATTR_LISTS));
    const { db, timeZone } = await ruleDeps();
    const preview = await previewClassRule(db, input.rule, { weeks: input.weeks, timeZone, position: input.position, ruleId: input.id });
    return { ok: true as const, preview, weeks: input.weeks };
  });
}

/** Creates the rule of the form (or saves the one edited); the history is re-classified. */
export async function saveRuleAction(_: SaveState, form: FormData): Promise<SaveState> {
  return answer(async () => {
    const input = fieldsOrThrow(ruleFormSchema, formFields(form, ATTR_LISTS));
    const deps = await ruleDeps();
    const { rule, change } = input.id === undefined
      ? await createClassRule(deps, input.rule, { position: input.position })
      : await updateClassRule(deps, input.id, input.rule);
    revalidatePath('/errors', 'layout');
    const done = input.id === undefined ? 'created' : 'saved';
    return { ok: true as const, message: `Rule “${rule.name}” ${done}: ${describeChange(change)}.`, ruleId: rule.id, classId: rule.classId };
  });
}

/** Moves a rule up or down the order, or deletes it (its events go back to the miner's classes). */
export async function changeRuleAction(_: ChangeState, form: FormData): Promise<ChangeState> {
  return answer(async () => {
    const input = fieldsOrThrow(ruleChangeFormSchema, formFields(form));
    const deps = await ruleDeps();
    const before = await getClassRule(deps.db, input.id);
    const name = `“${before?.name ?? `rule ${input.id}`}”`;
    let message: string;
    if (input.op === 'move') {
      const { rule, change } = await moveClassRule(deps, input.id, input.position);
      message = `Moved ${name} to position ${rule.position + 1}: ${describeChange(change)}.`;
    } else {
      const { change } = await deleteClassRule(deps, input.id);
      message = `Deleted ${name}; its events went back to the miner's classes: ${describeChange(change)}.`;
    }
    revalidatePath('/errors', 'layout');
    return { ok: true as const, message };
  });
}
