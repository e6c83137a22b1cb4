import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../digest/blocks';
import { smtpReply, type Mailer } from '../mail/mailer';
import { LINK_HOURS } from './sign-in-links';

/**
 * The message that carries a one-time sign-in link, sent through the digest's mailer (SMTP, or an
 * .eml file in the outbox when SMTP_URL is unset). A failed send is reported, not thrown: the link
 * was made and shown, and the admin can pass it on by hand.
 */
export type LinkMail = {
  mailer: Mailer; from: string; to: string; name: string; url: string; expiresAt: Date; reason: 'welcome' | 'reset';
};
export type LinkMailResult = { sent: true; where: string } | { sent: false; error: string };

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:14px;color:#1b1f24";
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export function buildLinkMail(m: Omit<LinkMail, 'mailer' | 'from'>): { subject: string; text: string; html: string } {
  const until = `${m.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const subject = m.reason === 'welcome' ? 'Your Rollscope account' : 'Set a new Rollscope password';
  const intro = m.reason === 'welcome'
    ? `Hello ${m.name}, an account on Rollscope was made for you (${m.to}).`
    : `Hello ${m.name}, your Rollscope sign-in was reset: your old password no longer works.`;
  const how = `Open this link to set your password and sign in. It works once, until ${until} (${LINK_HOURS} hours).`;
  const footer = 'If you did not expect this message, ignore it: nothing happens unless the link is opened.';
  const text = [intro, '', how, '', m.url, '', footer, ''].join('\n');
  const html = [
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p style="${FONT}">${escapeHtml(intro)}</p><p style="${FONT}">${escapeHtml(how)}</p>`,
    `<p style="${FONT}"><a href="${escapeHtml(m.url)}" style="color:#2f6feb">Set your password</a></p>`,
    `<p style="${FONT};color:#5b6470;word-break:break-all">${escapeHtml(m.url)}</p>`,
    `<p style="${FONT};font-size:12px;color:#5b6470">${escapeHtml(footer)}</p></body></html>`,
  ].join('\n');
  return { subject, text, html };
}

export async function sendSignInLinkMail(m: LinkMail): Promise<LinkMailResult> {
  const { subject, text, html } = buildLinkMail(m);
  const id = randomBytes(8).toString('hex');
  try {
    const messageId = `<sign-in.${id}@rollscope>`;
    const fileName = `sign-in/${slug(m.to)}-${id}.eml`;
    const sent = await m.mailer.send({ from: m.from, to: m.to, subject, text, html, messageId, fileName });
    return { sent: true, where: sent.outboxPath ?? m.to };
  } catch (error) {
    return { sent: false, error: smtpReply(error) };
  }
}
