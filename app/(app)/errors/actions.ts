'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { addClassNote, mergeClasses, renameClass, setClassCategory, setClassOwner, setClassStatus } from '../../../lib/classify/decisions';
import { loadCategoryConfig } from '../../../lib/classify/rules';
import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { ValidationError } from '../../../lib/errors';
import { runAction, type ActionResult } from '../../_lib/action-result';
import { authorize } from '../../_lib/auth';

const ids = z.array(z.coerce.number().int().positive()).min(1, 'select at least one class');
const triageSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('status'), ids, status: z.enum(['open', 'acknowledged', 'resolved', 'ignored']) }),
  z.object({ op: z.literal('owner'), ids, owner: z.string(), assignee: z.string().optional() }),
  z.object({ op: z.literal('category'), ids, category: z.string() }),
  z.object({ op: z.literal('merge'), ids, target: z.coerce.number().int().positive() }),
  z.object({ op: z.literal('note'), ids, note: z.string().min(1, 'write a note').max(4000) }),
  z.object({ op: z.literal('rename'), ids, name: z.string().max(200) }),
]);

function formToObject(form: FormData) {
  const obj: Record<string, unknown> = Object.fromEntries([...form.keys()].filter((k) => k !== 'ids').map((k) => [k, form.get(k)]));
  obj.ids = form.getAll('ids');
  return obj;
}

/** One server action for every triage decision, on one class (detail page) or several (list). */
export async function triageAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await authorize('engineer');
    const parsed = triageSchema.safeParse(formToObject(form));
    if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; '));
    const db = await getDb();
    const input = parsed.data;
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
