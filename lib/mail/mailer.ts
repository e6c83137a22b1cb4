import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

/**
 * Sends mail through SMTP (nodemailer) when SMTP_URL is set; otherwise writes each message as an
 * .eml file to the outbox folder, built by the same nodemailer code, so both carry identical MIME.
 */
export type OutgoingMail = { from: string; to: string; subject: string; html: string; text: string; messageId: string; fileName: string };
export type SendResult = { messageId: string; response: string; outboxPath: string | null };
export type Mailer = { kind: 'smtp' | 'outbox'; describe: string; send: (mail: OutgoingMail) => Promise<SendResult>; close: () => void };

/** An SMTP error with the server's reply, when there was one. */
export function smtpReply(error: unknown): string {
  const e = error as { response?: string; responseCode?: number; code?: string; message?: string };
  return e.response ?? [e.code, e.message].filter(Boolean).join(': ') ?? String(error);
}

function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'smtp (unparseable URL)';
  }
}

/** What a delivered message is called: the outbox mailer only writes files, so it never says "sent". */
export function deliveredWord(kind: Mailer['kind']): string {
  return kind === 'outbox' ? 'written to outbox' : 'sent';
}

export function createMailer(settings: { smtpUrl: string | null; outboxDir: string }): Mailer {
  if (settings.smtpUrl) {
    const url = new URL(settings.smtpUrl);
    const transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      // A plain smtp:// URL on a trusted network may have no TLS; smtps:// and STARTTLS servers get it.
      ignoreTLS: url.searchParams.get('tls') === 'off',
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return {
      kind: 'smtp',
      describe: withoutPassword(settings.smtpUrl),
      send: async (mail) => {
        const info = await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, messageId: mail.messageId });
        return { messageId: info.messageId, response: info.response, outboxPath: null };
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'outbox',
    describe: settings.outboxDir,
    send: async (mail) => {
      const info = await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, messageId: mail.messageId });
      const file = path.join(settings.outboxDir, mail.fileName);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, info.message as Buffer);
      return { messageId: info.messageId, response: `written to ${file}`, outboxPath: file };
    },
    close: () => transport.close(),
  };
}
