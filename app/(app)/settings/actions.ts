'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { issueIngestToken, revokeIngestToken } from '../../../lib/auth/token-admin';
import { getDb } from '../../../lib/db';
import { ValidationError } from '../../../lib/errors';
import { runAction, type ActionResult } from '../../_lib/action-result';
import { authorize } from '../../_lib/auth';

/** Creates an ingest token (admins only) and shows it once in the answer. */
export async function createTokenAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    await authorize('admin');
    const token = await issueIngestToken(await getDb(), String(form.get('name') ?? ''));
    revalidatePath('/settings');
    return `Token created — copy it now, it is not shown again: ${token}`;
  });
}

export async function revokeTokenAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    await authorize('admin');
    const id = z.coerce.number().int().positive().safeParse(form.get('id'));
    if (!id.success) throw new ValidationError('which token?');
    await revokeIngestToken(await getDb(), id.data);
    revalidatePath('/settings');
    return `Token ${id.data} revoked.`;
  });
}
