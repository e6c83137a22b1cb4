import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlertsOverview } from '../../../lib/alerts/overview';
import { createTestDb, EXPECTED_KIND } from '../../helpers/db';

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
const write = (content: string) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rollscope-alerts-')), 'alerts.json');
  writeFileSync(file, content);
  return file;
};

describe(`the alerts overview in Settings (${EXPECTED_KIND})`, () => {
  it('lists each owner\'s channels by host or address, never the secret webhook path', async () => {
    const t = await createTestDb();
    open.push(t);
    const file = write(JSON.stringify({
      owners: { build: [{ kind: 'slack', url: 'https://hooks.slack.com/services/T1/B2/XYZSECRET' }, { kind: 'email' }] },
      fallback: [{ kind: 'webhook', url: 'https://alerts.example.com/in?token=SECRET2' }],
    }));
    const o = await getAlertsOverview(t.db, file);
    expect(o.error).toBeNull();
    expect(o.channels).toEqual([
      { owner: 'build', kind: 'slack', target: 'Slack webhook at hooks.slack.com' },
      { owner: 'build', kind: 'email', target: 'e-mail to build-team@example.com' },
      { owner: '(fallback)', kind: 'webhook', target: 'webhook at alerts.example.com' },
    ]);
    expect(JSON.stringify(o)).not.toMatch(/SECRET/);
    expect(o.thresholds?.classFailures).toEqual({ activate: { day: 3, week: 10 }, deactivate: { day: 1, week: 3 } });
  });

  it('shows a bad file\'s errors (file and field) instead of failing', async () => {
    const t = await createTestDb();
    open.push(t);
    const file = write(JSON.stringify({ owners: { build: [{ kind: 'pager' }] } }));
    const o = await getAlertsOverview(t.db, file);
    expect(o.error).toContain(`${file}: invalid alerts file`);
    expect(o.error).toContain('owners.build.0.kind');
    expect((await getAlertsOverview(t.db, write('{ not json'))).error).toContain('cannot read the alerts file');
    expect(await getAlertsOverview(t.db, null)).toMatchObject({ file: null, error: null, channels: [] });
  });
});
