/**
 * An e-mail as a list of blocks, rendered twice: HTML for mail clients (tables and inline styles
 * only — no stylesheets, scripts or external images) and plain text with the same content.
 */
/** A smaller line with a link in it: "fixing it may reveal <link>: the evidence". */
export type Hint = { before: string; link: { text: string; href: string }; after: string };
export type Cell = {
  text: string; href?: string; tone?: 'good' | 'bad' | 'muted'; align?: 'right'; strong?: boolean;
  /** A second, smaller line (an example message). */
  note?: string;
  hints?: Hint[];
};
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string; href?: string; linkText?: string }
  | { kind: 'kpis'; items: { label: string; value: string; detail: string; tone?: Cell['tone'] }[] }
  | { kind: 'table'; columns: string[]; rows: Cell[][]; empty: string }
  | { kind: 'list'; items: string[] };
export type Email = { title: string; intro: string; blocks: Block[]; footer: string };

const COLORS = { good: '#1f8f4e', bad: '#d1242f', muted: '#5b6470' } as const;
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function cellHtml(c: Cell, header = false): string {
  const style = [`padding:6px 8px`, `border-bottom:1px solid #e2e5ea`, `text-align:${c.align === 'right' ? 'right' : 'left'}`, `vertical-align:top`];
  if (c.tone) style.push(`color:${COLORS[c.tone]}`);
  if (c.strong || header) style.push('font-weight:600');
  if (header) style.push('color:#5b6470', 'font-size:12px');
  const main = c.href ? `<a href="${escapeHtml(c.href)}" style="color:#2f6feb;text-decoration:none">${escapeHtml(c.text)}</a>` : escapeHtml(c.text);
  const note = c.note ? `<div style="font-weight:400;font-size:12px;color:#5b6470;margin-top:4px;word-break:break-all">${escapeHtml(c.note)}</div>` : '';
  const body = main + note + (c.hints ?? []).map(hintHtml).join('');
  return `<${header ? 'th' : 'td'} style="${style.join(';')}">${body}</${header ? 'th' : 'td'}>`;
}

function hintHtml(h: Hint): string {
  const link = `<a href="${escapeHtml(h.link.href)}" style="color:#2f6feb;text-decoration:none">${escapeHtml(h.link.text)}</a>`;
  return `<div style="font-weight:400;font-size:12px;color:#5b6470;margin-top:4px">${escapeHtml(h.before)}${link}${escapeHtml(h.after)}</div>`;
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h2 style="${FONT};font-size:16px;margin:24px 0 8px;color:#1b1f24">${escapeHtml(b.text)}</h2>`;
    case 'paragraph': {
      const link = b.href ? ` <a href="${escapeHtml(b.href)}" style="color:#2f6feb">${escapeHtml(b.linkText ?? b.href)}</a>` : '';
      return `<p style="${FONT};font-size:14px;margin:8px 0;color:#1b1f24">${escapeHtml(b.text)}${link}</p>`;
    }
    case 'kpis':
      // Tiles that wrap: side by side on a desktop client, stacked on a phone (no media queries,
      // which many mail clients drop).
      return `<div style="${FONT};font-size:0">${b.items
        .map((k) => `<div style="display:inline-block;vertical-align:top;width:172px;max-width:100%;box-sizing:border-box;margin:0 6px 6px 0;padding:10px;border:1px solid #e2e5ea"><div style="font-size:11px;color:#5b6470;text-transform:uppercase">${escapeHtml(k.label)}</div><div style="font-size:22px;font-weight:600;${k.tone ? `color:${COLORS[k.tone]}` : ''}">${escapeHtml(k.value)}</div><div style="font-size:12px;color:#5b6470">${escapeHtml(k.detail)}</div></div>`)
        .join('')}</div>`;
    case 'table':
      if (b.rows.length === 0) return `<p style="${FONT};font-size:14px;color:#5b6470">${escapeHtml(b.empty)}</p>`;
      // A wide table scrolls inside its own box on a phone instead of widening the message.
      return `<div style="overflow-x:auto;max-width:100%"><table cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;${FONT};font-size:13px"><tr>${b.columns.map((c) => cellHtml({ text: c }, true)).join('')}</tr>${b.rows.map((r) => `<tr>${r.map((c) => cellHtml(c)).join('')}</tr>`).join('')}</table></div>`;
    case 'list':
      return `<ul style="${FONT};font-size:14px;margin:8px 0;padding-left:20px">${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  }
}

export function renderHtml(email: Email): string {
  return [
    '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(email.title)}</title></head>`,
    // One 600 px column (the width mail clients are designed for) that shrinks to a phone's width.
    `<body style="margin:0;padding:0;background:#f7f8fa"><table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f7f8fa"><tr><td align="center" style="padding:16px 8px">`,
    `<table role="presentation" width="600" cellspacing="0" cellpadding="0" style="max-width:600px;width:100%;table-layout:fixed;background:#ffffff;border:1px solid #e2e5ea"><tr><td style="padding:16px;overflow-wrap:break-word;word-wrap:break-word">`,
    `<div style="${FONT};font-size:12px;color:#5b6470;text-transform:uppercase;letter-spacing:.05em">Rollscope weekly digest</div>`,
    `<h1 style="${FONT};font-size:20px;margin:4px 0 8px;color:#1b1f24">${escapeHtml(email.title)}</h1>`,
    `<p style="${FONT};font-size:14px;color:#1b1f24;margin:0 0 8px">${escapeHtml(email.intro)}</p>`,
    ...email.blocks.map(blockHtml),
    `<p style="${FONT};font-size:12px;color:#5b6470;margin:24px 0 0">${escapeHtml(email.footer)}</p>`,
    '</td></tr></table></td></tr></table></body></html>',
  ].join('\n');
}

function cellText(c: Cell): string {
  const main = c.href ? `${c.text} <${c.href}>` : c.text;
  const hints = (c.hints ?? []).map((h) => `\n    ${h.before}${h.link.text} <${h.link.href}>${h.after}`).join('');
  return (c.note ? `${main}\n    ${c.note}` : main) + hints;
}

function blockText(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `\n${b.text}\n${'-'.repeat(b.text.length)}`;
    case 'paragraph':
      return b.href ? `${b.text} ${b.linkText ?? ''} <${b.href}>`.replace('  ', ' ') : b.text;
    case 'kpis':
      return b.items.map((k) => `- ${k.label}: ${k.value} (${k.detail})`).join('\n');
    case 'table':
      if (b.rows.length === 0) return b.empty;
      return b.rows.map((r) => `- ${r.map((c, i) => (i === 0 ? cellText(c) : `${b.columns[i]}: ${cellText(c)}`)).join(' | ')}`).join('\n');
    case 'list':
      return b.items.map((i) => `- ${i}`).join('\n');
  }
}

export function renderText(email: Email): string {
  return [email.title, '='.repeat(email.title.length), '', email.intro, ...email.blocks.map(blockText), '', email.footer, ''].join('\n');
}
