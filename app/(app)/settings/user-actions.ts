'use server';

import { revalidatePath } from 'next/cache';
import { deliverCredential, type MailChannel } from '../../../lib/auth/credential-notice';
import { addUser, disableUser, enableUser, resetPassword, setRole, type Issued } from '../../../lib/auth/user-admin';
import { linkOwner, unlinkOwner } from '../../../lib/auth/user-owners';
import {
  addUserSchema, ownerLinkSchema, resetSchema, setRoleSchema, userRefSchema,
} from '../../../lib/auth/user-schemas';
import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { fieldsOrThrow, formFields } from '../../../lib/http/params';
import { createMailer } from '../../../lib/mail/mailer';
import { runAction, type ActionResult } from '../../_lib/action-result';
import { authorize } from '../../_lib/auth';

/** Settings → Users (admins only): each action checks the role, parses its form, makes one change, says what it did. */

/** The link or generated password to show, after mailing the link when asked (SMTP, or the outbox). */
async function notify(issued: Issued, mail: boolean, reason: 'welcome' | 'reset'): Promise<string[]> {
  const settings = getSettings();
  const deliver = (channel: MailChannel | null) =>
    deliverCredential({ ...issued, baseUrl: settings.baseUrl, reason, mail: channel });
  if (!mail) return (await deliver(null)).lines;
  const mailer = createMailer(settings);
  try {
    return (await deliver({ mailer, from: settings.mailFrom })).lines;
  } finally {
    mailer.close();
  }
}

function asAdmin(work: (actor: string) => Promise<string>): Promise<ActionResult> {
  return runAction(async () => {
    const admin = await authorize('admin');
    const message = await work(admin.email);
    revalidatePath('/settings');
    return message;
  });
}

export async function addUserAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return asAdmin(async (actor) => {
    const fields = fieldsOrThrow(addUserSchema, formFields(form));
    const issued = await addUser(await getDb(), fields, { actor });
    const done = `Added ${issued.user.email} (${issued.user.role}).`;
    return [done, ...(await notify(issued, fields.mail, 'welcome'))].join('\n');
  });
}

export async function setRoleAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return asAdmin(async (actor) => {
    const { user, from } = await setRole(await getDb(), fieldsOrThrow(setRoleSchema, formFields(form)), { actor });
    return `${user.email}: ${from} → ${user.role}.`;
  });
}

export async function disableUserAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return asAdmin(async (actor) => {
    const user = await disableUser(await getDb(), fieldsOrThrow(userRefSchema, formFields(form)), { actor });
    return `${user.email} disabled and signed out.`;
  });
}

export async function enableUserAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return asAdmin(async (actor) => {
    const user = await enableUser(await getDb(), fieldsOrThrow(userRefSchema, formFields(form)), { actor });
    return `${user.email} enabled.`;
  });
}

export async function resetUserAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return asAdmin(async (actor) => {
    const fields = fieldsOrThrow(resetSchema, formFields(form));
    const issued = await resetPassword(await getDb(), fields, { actor });
    const done = `${issued.user.email}: sign-in reset, old password void, signed out everywhere.`;
    return [done, ...(await notify(issued, fields.mail, 'reset'))].join('\n');
  });
}

export async function linkOwnerAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return asAdmin(async (actor) => {
    const fields = fieldsOrThrow(ownerLinkSchema, formFields(form));
    await linkOwner(await getDb(), fields, { actor });
    return `${fields.owner} linked to ${fields.email}.`;
  });
}

export async function unlinkOwnerAction(_: ActionResult, form: FormData): Promise<ActionResult> {
  return asAdmin(async (actor) => {
    const fields = fieldsOrThrow(ownerLinkSchema, formFields(form));
    await unlinkOwner(await getDb(), fields, { actor });
    return `${fields.owner} unlinked from ${fields.email}.`;
  });
}
