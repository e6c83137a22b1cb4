import { z } from 'zod';
import { boundedText, MAX_KEY_LENGTH, oneOf, quote } from '../http/fields';
import { ROLES } from './roles';

/**
 * The inputs of user administration, one schema each, parsed alike by the Settings actions, the
 * /account and sign-in-link forms and `npm run user` (lib/cli/user-commands.ts). Errors name the field.
 */

// RFC 5321 caps a usable address at 254 characters; the sign-in form allows 320 (local part + domain maxima).
const MAX_EMAIL_CHARS = 320;
const MAX_NAME_CHARS = 100;
/** NIST SP 800-63B: at least 8; we ask 10 (users.ts has always), and cap the work scrypt is given. */
export const MIN_PASSWORD_CHARS = 10;
const MAX_PASSWORD_CHARS = 1024;

export const emailSchema = z
  .string({ error: 'is required' })
  .trim()
  .toLowerCase()
  .max(MAX_EMAIL_CHARS, { error: `has more than ${MAX_EMAIL_CHARS} characters` })
  .refine((e) => /^[^@\s]+@[^@\s]+$/.test(e), { error: (issue) => `${quote(issue.input)} is not an e-mail address` });

export const nameSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, { error: 'is empty; give the person’s name' })
  .max(MAX_NAME_CHARS, { error: `has more than ${MAX_NAME_CHARS} characters` });

export const roleSchema = oneOf(ROLES);

export const passwordSchema = z
  .string({ error: 'is required' })
  .min(MIN_PASSWORD_CHARS, { error: `needs at least ${MIN_PASSWORD_CHARS} characters` })
  .max(MAX_PASSWORD_CHARS, { error: `has more than ${MAX_PASSWORD_CHARS} characters` });

/** A checkbox ("on") or a CLI flag (true); absent is false. */
const flagSchema = z
  .union([z.boolean(), z.literal('on')], { error: 'is not a yes/no value' })
  .optional()
  .transform((v) => v === true || v === 'on');

/**
 * How a person signs in first (or again, after a reset): a one-time link (shown, and mailed with
 * `mail`), a password the admin types, or one Rollscope generates and shows once.
 */
export const CREDENTIALS = ['link', 'password', 'generated'] as const;
export type CredentialKind = (typeof CREDENTIALS)[number];

const credentialFields = {
  credential: oneOf(CREDENTIALS).default('link'),
  // An empty field (the form's password box when a link is chosen) counts as absent.
  password: z.preprocess((v) => (v === '' ? undefined : v), passwordSchema.optional()),
  mail: flagSchema,
};

type CredentialFields = { credential: CredentialKind; password?: string | undefined; mail: boolean };

function checkCredential(value: CredentialFields, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (value.credential === 'password' && value.password === undefined) {
    issue('password', 'is required when you set the password yourself');
  }
  if (value.credential !== 'password' && value.password !== undefined) {
    issue('password', `is only used with credential "password" (not "${value.credential}")`);
  }
  if (value.mail && value.credential !== 'link') {
    issue('mail', 'only a sign-in link is e-mailed; a password is never sent by mail');
  }
}

export const addUserSchema = z
  .object({ email: emailSchema, name: nameSchema, role: roleSchema, ...credentialFields })
  .superRefine(checkCredential);
export type AddUserInput = z.input<typeof addUserSchema>;

export const setRoleSchema = z.object({ email: emailSchema, role: roleSchema });
export const userRefSchema = z.object({ email: emailSchema });

export const resetSchema = z.object({ email: emailSchema, ...credentialFields }).superRefine(checkCredential);
export type ResetInput = z.input<typeof resetSchema>;

/** An owner id as the chain config allows them (teams: letters, digits, dashes; people also dots). */
const ownerIdSchema = boundedText(MAX_KEY_LENGTH).regex(/^[a-z0-9][a-z0-9.-]*$/, {
  error: (issue) => `${quote(issue.input)} is not an owner id (lowercase letters, digits, dots and dashes)`,
});

export const ownerLinkSchema = z.object({ email: emailSchema, owner: ownerIdSchema });

function checkConfirmation(value: { password: string; confirm: string }, ctx: z.RefinementCtx) {
  if (value.password === value.confirm) return;
  ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'does not match the new password' });
}

/** /account: the current password, and the new one twice. */
export const ownPasswordSchema = z
  .object({
    current: z.string({ error: 'is required' }).min(1, { error: 'is required' }).max(MAX_PASSWORD_CHARS),
    password: passwordSchema,
    confirm: z.string({ error: 'is required' }),
  })
  .superRefine(checkConfirmation);

/** A sign-in link's token as the URL carries it: any bounded text (a cut-off link gets a page saying so, not a 400). */
export const linkTokenSchema = z.string().max(200, { error: 'has more than 200 characters' });

/** The sign-in link page's form: the token, and the new password twice. */
export const linkPasswordSchema = z
  .object({ token: linkTokenSchema, password: passwordSchema, confirm: z.string({ error: 'is required' }) })
  .superRefine(checkConfirmation);

/** /login/link: a sign-in link's token (checked by the page: a bad one gets a page saying what is wrong). */
export const signInLinkPageSchema = z.object({ token: linkTokenSchema.optional() });
