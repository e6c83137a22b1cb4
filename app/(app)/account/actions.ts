'use server';

import { changeOwnPassword } from '../../../lib/auth/own-password';
import { ownPasswordSchema } from '../../../lib/auth/user-schemas';
import { getDb } from '../../../lib/db';
import { fieldsOrThrow, formFields } from '../../../lib/http/params';
import { runAction, type ActionResult } from '../../_lib/action-result';
import { authorize, currentClient, currentSessionToken } from '../../_lib/auth';

/** Changes the signed-in user's own password; their other sessions end, this one stays. */
export async function changeOwnPasswordAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const user = await authorize('viewer');
    const fields = fieldsOrThrow(ownPasswordSchema, formFields(form));
    const [sessionToken, client] = [await currentSessionToken(), await currentClient()];
    await changeOwnPassword(await getDb(), { ...fields, userId: user.id, sessionToken, client });
    return 'Password changed. Your other sessions were signed out.';
  });
}
