'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '../../../../lib/db';
import { fieldsOrThrow, formFields } from '../../../../lib/http/params';
import { classTrackerFormSchema, setClassTrackerUrl } from '../../../../lib/triage/class-tracker';
import { runAction, type ActionResult } from '../../../_lib/action-result';
import { authorize } from '../../../_lib/auth';

/** Sets (or, empty, clears) the tracker issue link of one class. */
export async function setTrackerUrlAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await authorize('engineer');
    const input = fieldsOrThrow(classTrackerFormSchema, formFields(form));
    await setClassTrackerUrl(await getDb(), { classId: input.id, trackerUrl: input.trackerUrl, actor: user.email });
    revalidatePath('/errors');
    revalidatePath(`/errors/${input.id}`);
    return input.trackerUrl ? 'tracker link saved' : 'tracker link removed';
  });
}
