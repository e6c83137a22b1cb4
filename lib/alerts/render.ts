import { escapeHtml } from '../digest/blocks';
import { trackerLine, type Alert } from './alert';

/** How each channel shows an alert (pure): the generic webhook's JSON, Slack's text and blocks, an e-mail. */
export function buildWebhookPayload(a: Alert): Record<string, unknown> {
  return { type: 'rollscope.alert', ...a, tracker: trackerLine(a) };
}

/** Slack mrkdwn: &, < and > are control characters there. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function buildSlackPayload(a: Alert): { text: string; blocks: Record<string, unknown>[] } {
  const labels = a.labels.length ? ` [${a.labels.join(', ')}]` : '';
  const tracker = trackerLine(a);
  const text = `${a.title}${labels}: ${a.reason}. ${a.url}${tracker ? ` — ${tracker}` : ''}`;
  const owner = a.owner ? `Owner: ${slackEscape(a.owner.name)}` : 'No owner';
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*<${a.url}|${slackEscape(a.title)}>*${slackEscape(labels)}` } },
    { type: 'section', text: { type: 'mrkdwn', text: slackEscape(`Why: ${a.reason}`) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: [owner, tracker ? slackEscape(tracker) : null].filter(Boolean).join(' · ') }] },
  ];
  return { text, blocks };
}

export function buildAlertEmail(a: Alert): { subject: string; html: string; text: string } {
  const labels = a.labels.length ? ` [${a.labels.join(', ')}]` : '';
  const tracker = trackerLine(a);
  const lines = [`${a.title}${labels}`, '', `Why: ${a.reason}`, `Page: ${a.url}`, tracker, a.owner ? `Owner: ${a.owner.name}` : null];
  const trackerHtml = !tracker ? '' : a.trackerUrl
    ? `<p>Tracker issue: <a href="${escapeHtml(a.trackerUrl)}">${escapeHtml(a.trackerUrl)}</a></p>`
    : `<p><strong>${escapeHtml(tracker)}</strong></p>`;
  const html = [
    `<h2><a href="${escapeHtml(a.url)}">${escapeHtml(a.title)}</a>${escapeHtml(labels)}</h2>`,
    `<p>Why: ${escapeHtml(a.reason)}</p>`,
    trackerHtml,
    a.owner ? `<p>Owner: ${escapeHtml(a.owner.name)}</p>` : '',
  ].join('\n');
  return { subject: `[Rollscope alert] ${a.title}`, html, text: lines.filter((l) => l !== null).join('\n') };
}
