'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { acknowledgeViolation } from '../../../lib/admission/violations';
import { getDb } from '../../../lib/db';
import { ValidationError } from '../../../lib/errors';
import { runAction, type ActionResult } from '../../_lib/action-result';
import { authorize } from '../../_lib/auth';

const schema = z.object({ id: z.coerce.number().int().positive(), acknowledged: z.enum(['true', 'false']) });

/** Acknowledges a violation (or takes it back): engineers and admins. */
export async function acknowledgeAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await authorize('engineer');
    const parsed = schema.safeParse({ id: form.get('id'), acknowledged: form.get('acknowledged') });
    if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const acknowledged = parsed.data.acknowledged === 'true';
    await acknowledgeViolation(await getDb(), { id: parsed.data.id, acknowledged, actor: user.email });
    revalidatePath('/admission', 'layout');
    return acknowledged ? 'acknowledged' : 'acknowledgement taken back';
  });
}
