'use server';

import { revalidatePath } from 'next/cache';
import { addChannelSchema, removeChannelSchema } from '../../../lib/alerts/channel-schemas';
import { addAlertChannel, fileConfigForChange, removeAlertChannel, toChannelConfig } from '../../../lib/alerts/channels';
import { describeChannel } from '../../../lib/alerts/config';
import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { fieldsOrThrow, formFields } from '../../../lib/http/params';
import { runAction, type ActionResult } from '../../_lib/action-result';
import { authorize } from '../../_lib/auth';

/** Settings → Alerts (admins only): add or remove a channel. The answer names the host, never the URL (a secret). */

export async function addAlertChannelAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await authorize('admin');
    const fields = fieldsOrThrow(addChannelSchema, formFields(form));
    const file = getSettings().alertsFile;
    const row = await addAlertChannel(await getDb(), fields, { actor: admin.email, config: fileConfigForChange(file), file });
    revalidatePath('/settings');
    return `Added ${row.owner}/${row.name}: ${describeChannel(toChannelConfig(row))}.`;
  });
}

export async function removeAlertChannelAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await authorize('admin');
    const fields = fieldsOrThrow(removeChannelSchema, formFields(form));
    const row = await removeAlertChannel(await getDb(), fields, { actor: admin.email });
    revalidatePath('/settings');
    return `Removed ${row.owner}/${row.name}.`;
  });
}
