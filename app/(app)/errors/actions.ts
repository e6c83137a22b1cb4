'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { addClassNote, mergeClasses, renameClass, setClassCategory, setClassOwner, setClassStatus } from '../../../lib/classify/decisions';
import { loadCategoryConfig } from '../../../lib/classify/rules';
import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { boundedText, idSchema, MAX_KEY_LENGTH, oneOf } from '../../../lib/http/fields';
import { fieldsOrThrow, formFields } from '../../../lib/http/params';
import { rowTriageSchema } from '../../../lib/triage/row-ops';
import { runRowTriage } from '../../../lib/triage/row-triage';
import { runAction, type ActionResult } from '../../_lib/action-result';
import { authorize } from '../../_lib/auth';

// The list shows 50 classes a page; a bulk decision over more than this is not one a person made.
const MAX_TRIAGE_IDS = 200;
const ids = z.array(idSchema).min(1, 'select at least one class').max(MAX_TRIAGE_IDS, `select at most ${MAX_TRIAGE_IDS} classes`);
const key = boundedText(MAX_KEY_LENGTH);
const triageSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('status'), ids, status: oneOf(['open', 'acknowledged', 'resolved', 'ignored']) }),
  z.object({ op: z.literal('owner'), ids, owner: key, assignee: key.optional() }),
  z.object({ op: z.literal('category'), ids, category: key }),
  z.object({ op: z.literal('merge'), ids, target: idSchema }),
  z.object({ op: z.literal('note'), ids, note: z.string().min(1, 'write a note').max(4000, 'is longer than 4000 characters') }),
  z.object({ op: z.literal('rename'), ids, name: boundedText(200) }),
]);

/** One server action for every triage decision, on one class (detail page) or several (list). */
export async function triageAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await authorize('engineer');
    const input = fieldsOrThrow(triageSchema, formFields(form, ['ids']));
    const db = await getDb();
    const actor = user.email;
    const each = async (fn: (classId: number) => Promise<void>) => {
      for (const classId of input.ids) await fn(classId);
    };
    if (input.op === 'status') await each((classId) => setClassStatus(db, { classId, status: input.status, actor }));
    if (input.op === 'owner') await each((classId) => setClassOwner(db, { classId, ownerId: input.owner === 'auto' ? null : input.owner, assigneeId: input.assignee || null, actor }));
    if (input.op === 'category') {
      const categories = loadCategoryConfig(getSettings().categoriesFile).categories;
      await each((classId) => setClassCategory(db, { classId, category: input.category === 'auto' ? null : input.category, categories, actor }));
    }
    if (input.op === 'merge') await mergeClasses(db, { targetId: input.target, sourceIds: input.ids, actor });
    if (input.op === 'note') await each((classId) => addClassNote(db, { classId, text: input.note, actor }));
    if (input.op === 'rename') await each((classId) => renameClass(db, { classId, name: input.name || null, actor }));
    revalidatePath('/errors');
    for (const classId of input.ids) revalidatePath(`/errors/${classId}`);
    return `${input.op === 'merge' ? `merged ${input.ids.length} class(es) into ${input.target}` : `${input.op} saved for ${input.ids.length} class(es)`}`;
  });
}

/**
 * One row's decision on the list (assign to me, acknowledge, resolve, reopen). Posted without
 * JavaScript it answers the page it came from, so the list's filters and week stay in the URL.
 */
export async function rowTriageAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await authorize('engineer');
    const input = fieldsOrThrow(rowTriageSchema, formFields(form));
    const message = await runRowTriage(await getDb(), { user, classId: input.id, op: input.op });
    revalidatePath('/errors');
    revalidatePath(`/errors/${input.id}`);
    return message;
  });
}
