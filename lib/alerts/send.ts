import { smtpReply, type Mailer } from '../mail/mailer';
import type { Alert } from './alert';
import type { Channel } from './config';
import { buildAlertEmail, buildSlackPayload, buildWebhookPayload } from './render';

/**
 * Sends one alert through one channel; throws a ChannelError whose message is safe to store and
 * log: webhook URLs carry secrets (Slack's do), so only their host ever appears.
 */
export type SendDeps = { mailer: Mailer; from: string; timeoutMs?: number; fetch?: typeof fetch };
/** Long enough for a slow receiver, short enough that one dead endpoint does not stall a run. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export class ChannelError extends Error {
  override name = 'ChannelError';
}

export async function sendAlert(channel: Channel, alert: Alert, ownerEmail: string | null, deps: SendDeps): Promise<string> {
  if (channel.kind === 'email') {
    const to = channel.to ?? ownerEmail;
    if (!to) throw new ChannelError('no e-mail address: the owner has none and the channel names no "to"');
    const mail = buildAlertEmail(alert);
    try {
      const tag = `${alert.id}.${hashless(channel.id)}`;
      await deps.mailer.send({ from: deps.from, to, ...mail, messageId: `<${tag}@rollscope>`, fileName: `alerts/${tag}.eml` });
    } catch (error) {
      throw new ChannelError(`e-mail to ${to}: ${smtpReply(error)}`);
    }
    return `e-mail to ${to}`;
  }
  const body = channel.kind === 'slack' ? buildSlackPayload(alert) : buildWebhookPayload(alert);
  await postJson(channel.url, body, alert.id, deps);
  return `${channel.kind} at ${new URL(channel.url).host}`;
}

const hashless = (id: string) => id.replace(/[^a-z0-9-]+/gi, '-');

async function postJson(url: string, body: unknown, alertId: string, deps: SendDeps): Promise<void> {
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      // The alert id lets a receiver drop a resend after a crash between its answer and our bookkeeping.
      headers: { 'content-type': 'application/json', 'idempotency-key': alertId, 'user-agent': 'Rollscope-Alerts' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.name);
    throw new ChannelError(`POST to ${host}: ${why}`);
  }
  // The body is not read (a receiver could stream without end) nor echoed (it may reflect secrets).
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) throw new ChannelError(`POST to ${host}: HTTP ${response.status}`);
}
