'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { acknowledgeViolation } from '../../../lib/admission/violations';
import { getDb } from '../../../lib/db';
import { idSchema, oneOf } from '../../../lib/http/fields';
import { fieldsOrThrow, formFields } from '../../../lib/http/params';
import { runAction, type ActionResult } from '../../_lib/action-result';
import { authorize } from '../../_lib/auth';

const schema = z.object({ id: idSchema, acknowledged: oneOf(['true', 'false']) });

/** Acknowledges a violation (or takes it back): engineers and admins. */
export async function acknowledgeAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await authorize('engineer');
    const fields = fieldsOrThrow(schema, formFields(form));
    const acknowledged = fields.acknowledged === 'true';
    await acknowledgeViolation(await getDb(), { id: fields.id, acknowledged, actor: user.email });
    revalidatePath('/admission', 'layout');
    return acknowledged ? 'acknowledged' : 'acknowledgement taken back';
  });
}
