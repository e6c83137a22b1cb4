import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on a free local port that parses what it receives. `reject` answers 550 to
 * chosen recipients; `dropFirst` closes the connection on that many DATA commands first.
 */
export type TestSmtp = { url: string; received: ParsedMail[]; recipients: () => string[]; close: () => Promise<void>; options: SmtpBehaviour };
export type SmtpBehaviour = { reject?: (address: string) => boolean; dropFirst?: number };

export async function startSmtpServer(options: SmtpBehaviour = {}): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.reject?.(address.address)) {
        const error = new Error('5.1.1 mailbox unavailable: user unknown') as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      if ((options.dropFirst ?? 0) > 0) {
        options.dropFirst! -= 1;
        stream.resume();
        const connections = (server as unknown as { connections: Set<{ session: unknown; _socket: { destroy: () => void } }> }).connections;
        for (const c of connections) if (c.session === session) c._socket.destroy();
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}?tls=off`,
    received,
    recipients: () => received.flatMap((m) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''))).sort(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    options,
  };
}
