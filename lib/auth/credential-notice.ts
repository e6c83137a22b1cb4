import type { Mailer } from '../mail/mailer';
import { sendSignInLinkMail } from './link-mail';
import { LINK_HOURS, signInLinkUrl } from './sign-in-links';
import type { Credential, ManagedUser } from './user-admin';

/**
 * What an admin is told after adding a user or resetting a sign-in — in Settings and by
 * `npm run user` alike: the link or the generated password, shown this once, and whether the link
 * was mailed. A password the admin typed is never repeated.
 */
export type Notice = { lines: string[]; mailFailed: boolean };
export type MailChannel = { mailer: Mailer; from: string };

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export async function deliverCredential(opts: {
  user: ManagedUser;
  credential: Credential;
  baseUrl: string;
  reason: 'welcome' | 'reset';
  /** Set when the link is to be mailed as well. */
  mail: MailChannel | null;
}): Promise<Notice> {
  const c = opts.credential;
  const done = (lines: string[], mailFailed = false): Notice => ({ lines, mailFailed });
  if (c.kind === 'password') return done(['They sign in with the password you gave (not shown again).']);
  if (c.kind === 'generated') {
    return done(['Generated password — shown only now, only its hash is stored; pass it on privately:', c.password]);
  }
  const url = signInLinkUrl(opts.baseUrl, c.token);
  const lines = [`One-time sign-in link, valid until ${utc(c.expiresAt)} (${LINK_HOURS} h), shown only now:`, url];
  if (!opts.mail) return done(lines);
  const { email, name } = opts.user;
  const { expiresAt } = c;
  const sent = await sendSignInLinkMail({ ...opts.mail, to: email, name, url, expiresAt, reason: opts.reason });
  if (!sent.sent) return done([...lines, `The e-mail could not be sent (${sent.error}): pass the link on yourself.`], true);
  const where = sent.where === email ? '' : ` (no SMTP_URL: written to ${sent.where})`;
  return done([...lines, `E-mailed to ${email}${where}.`]);
}
