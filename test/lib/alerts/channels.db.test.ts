import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addChannelSchema } from '../../../lib/alerts/channel-schemas';
import { addAlertChannel, listActiveChannels, mergeChannels, removeAlertChannel } from '../../../lib/alerts/channels';
import { channelsFor, parseAlertsConfig, type AlertsConfig } from '../../../lib/alerts/config';
import { getAlertsOverview } from '../../../lib/alerts/overview';
import type { Db } from '../../../lib/db';
import { createTestDb, EXPECTED_KIND } from '../../helpers/db';

/** Channels added in Settings: add, remove (kept, who and when), clashes with the file, the merge, the overview. */
const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
const SECRET = 'https://hooks.example.com/services/T9/B9/DBSECRET';
const FILE = parseAlertsConfig({
  owners: { build: [{ kind: 'slack', name: 'chat', url: 'https://hooks.slack.com/services/T1/FILESECRET' }, { kind: 'email' }] },
  fallback: [{ kind: 'email', to: 'oncall@example.com' }],
}, 'test');
const add = (db: Db, fields: Record<string, unknown>, config: AlertsConfig = FILE) =>
  addAlertChannel(db, addChannelSchema.parse(fields), { actor: 'admin@example.com', config, file: 'alerts.json' });

describe(`alert channels added in Settings (${EXPECTED_KIND})`, () => {
  it('adds and removes a channel, recording who and when; a removed name is not reused', async () => {
    const t = await createTestDb();
    open.push(t);
    const row = await add(t.db, { owner: 'release', kind: 'webhook', name: 'ops', url: SECRET });
    expect(row).toMatchObject({ owner: 'release', name: 'ops', url: SECRET, createdBy: 'admin@example.com', removedAt: null });
    expect((await listActiveChannels(t.db)).map((r) => r.name)).toEqual(['ops']);
    await expect(add(t.db, { owner: 'release', kind: 'slack', name: 'ops', url: SECRET })).rejects.toThrow(/^name: release\/ops is taken/);
    const now = new Date('2026-12-01T10:00:00Z');
    const removed = await removeAlertChannel(t.db, { id: row.id }, { actor: 'other@example.com', now });
    expect(removed).toMatchObject({ removedAt: now, removedBy: 'other@example.com' });
    expect(await listActiveChannels(t.db)).toEqual([]);
    await expect(removeAlertChannel(t.db, { id: row.id }, { actor: 'x' })).rejects.toThrow(/^id: no channel/);
    await expect(add(t.db, { owner: 'release', kind: 'webhook', name: 'ops', url: SECRET })).rejects.toThrow(/removed channel/);
    const o = await getAlertsOverview(t.db, null);
    expect(o.dbChannels).toEqual([]);
    expect(o.removed).toEqual([expect.objectContaining({ owner: 'release', name: 'ops', removedBy: 'other@example.com', removedAt: now })]);
  });

  it('refuses an owner not in the chain config and a name a file channel has (the file wins)', async () => {
    const t = await createTestDb();
    open.push(t);
    await expect(add(t.db, { owner: 'nobody', kind: 'webhook', name: 'x', url: SECRET })).rejects.toThrow(/^owner: "nobody" is not/);
    await expect(add(t.db, { owner: 'build', kind: 'webhook', name: 'chat', url: SECRET }))
      .rejects.toThrow('name: build/chat is a channel of the alerts file (alerts.json), which wins; pick another name');
    // An unnamed file channel answers to its default name <kind>-<n>.
    await expect(add(t.db, { owner: 'build', kind: 'email', name: 'email-2' })).rejects.toThrow(/build\/email-2 is a channel of the alerts file/);
    await expect(add(t.db, { owner: 'fallback', kind: 'email', name: 'email-1', to: 'a@example.com' })).rejects.toThrow(/fallback\/email-1/);
    expect(await t.db.prisma.alertChannel.count()).toBe(0);
    // Added before the file got the same name: listed but unused, with the reason.
    await add(t.db, { owner: 'build', kind: 'webhook', name: 'chat', url: SECRET }, parseAlertsConfig({}, 'test'));
    const rows = await listActiveChannels(t.db);
    expect(mergeChannels(FILE, rows).shadowed).toHaveLength(1);
    expect(channelsFor(mergeChannels(FILE, rows).config, 'build').map((c) => c.id)).toEqual(['build/chat', 'build/email-2']);
  });

  it('merges per owner: the file\'s channels then the database\'s; an owner with its own no longer gets the fallback', async () => {
    const t = await createTestDb();
    open.push(t);
    await add(t.db, { owner: 'build', kind: 'webhook', name: 'ops', url: SECRET });
    await add(t.db, { owner: 'release', kind: 'email', name: 'mail' });
    await add(t.db, { owner: 'fallback', kind: 'slack', name: 'night', url: SECRET });
    const { config } = mergeChannels(FILE, await listActiveChannels(t.db));
    expect(channelsFor(config, 'build').map((c) => c.id)).toEqual(['build/chat', 'build/email-2', 'build/ops']);
    expect(channelsFor(config, 'release')).toEqual([{ kind: 'email', name: 'mail', id: 'release/mail' }]);
    expect(channelsFor(config, 'registry').map((c) => c.id)).toEqual(['fallback/email-1', 'fallback/night']);
    expect(channelsFor(config, null).map((c) => c.id)).toEqual(['fallback/email-1', 'fallback/night']);
    expect(config.thresholds).toEqual(FILE.thresholds);
    // Without a file, the database's channels alone.
    const alone = mergeChannels(parseAlertsConfig({}, 'test'), await listActiveChannels(t.db)).config;
    expect(channelsFor(alone, 'build')).toEqual([{ kind: 'webhook', name: 'ops', url: SECRET, id: 'build/ops' }]);
  });

  it('gives Settings the host of a secret URL, never the URL, with who added it', async () => {
    const t = await createTestDb();
    open.push(t);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rollscope-alerts-')), 'alerts.json');
    writeFileSync(file, JSON.stringify({ owners: { build: [{ kind: 'slack', name: 'chat', url: 'https://hooks.slack.com/x/FILESECRET' }] } }));
    await add(t.db, { owner: 'build', kind: 'slack', name: 'ops', url: SECRET });
    await add(t.db, { owner: 'release', kind: 'email', name: 'mail' });
    await add(t.db, { owner: 'build', kind: 'webhook', name: 'chat', url: 'https://shadow.example.com/SHADOWSECRET' }, parseAlertsConfig({}, 't'));
    const o = await getAlertsOverview(t.db, file);
    expect(o.dbChannels.map(({ owner, name, target, createdBy, note }) => ({ owner, name, target, createdBy, note }))).toEqual([
      { owner: 'build', name: 'ops', target: 'Slack webhook at hooks.example.com', createdBy: 'admin@example.com', note: null },
      { owner: 'release', name: 'mail', target: 'e-mail to release-team@example.com', createdBy: 'admin@example.com', note: null },
      { owner: 'build', name: 'chat', target: 'webhook at shadow.example.com', createdBy: 'admin@example.com', note: expect.stringContaining('the file wins') },
    ]);
    expect(o.owners).toContainEqual({ id: 'build', name: expect.any(String), kind: 'team' });
    const json = JSON.stringify(o);
    for (const secret of ['DBSECRET', 'FILESECRET', 'SHADOWSECRET', '/services/']) expect(json).not.toContain(secret);
  });
});
