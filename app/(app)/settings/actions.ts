'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { TOKEN_SCOPES } from '../../../lib/auth/ingest-tokens';
import { issueIngestToken, revokeIngestToken } from '../../../lib/auth/token-admin';
import { getDb } from '../../../lib/db';
import { boundedText, idSchema } from '../../../lib/http/fields';
import { fieldsOrThrow, formFields } from '../../../lib/http/params';
import { runAction, type ActionResult } from '../../_lib/action-result';
import { authorize } from '../../_lib/auth';

// The token name's own rules (characters, 80 at most) are issueIngestToken's; this only bounds the field.
const createSchema = z.object({ name: boundedText(), scope: z.enum(TOKEN_SCOPES).default('ingest') });
const revokeSchema = z.object({ id: idSchema });

/** Creates an ingest or read token (admins only) and shows it once in the answer. */
export async function createTokenAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    await authorize('admin');
    const { name, scope } = fieldsOrThrow(createSchema, formFields(form));
    const token = await issueIngestToken(await getDb(), name, scope);
    revalidatePath('/settings');
    return `${scope === 'read' ? 'Read' : 'Ingest'} token created — copy it now, it is not shown again: ${token}`;
  });
}

export async function revokeTokenAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    await authorize('admin');
    const { id } = fieldsOrThrow(revokeSchema, formFields(form));
    await revokeIngestToken(await getDb(), id);
    revalidatePath('/settings');
    return `Token ${id} revoked.`;
  });
}
