import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DigestSettings } from '../../lib/digest/run-weekly-digest';
import { createTestDb, type TestDb } from './db';
import { ingestRuns } from './ingest';

/** A database with one week (2026-W47) of hand-made failures: two classes, owned by registry and sre. */
export const WEEK = '2026-W47';
export const OWNER_RECIPIENTS = ['registry-team@example.com', 'sre-team@example.com'];
export const LEAD_RECIPIENTS = ['build', 'compute', 'config', 'naming', 'registry', 'release', 'sre', 'traffic'].map((t) => `${t}-lead@example.com`);
export const MANAGER = 'boss@example.com';
export const ALL_RECIPIENTS = [MANAGER, ...LEAD_RECIPIENTS, ...OWNER_RECIPIENTS].sort();

export function digestSettings(overrides: Partial<DigestSettings> = {}): DigestSettings {
  return {
    timeZone: 'Europe/Berlin',
    categoriesFile: null,
    routingFile: null,
    mailFrom: 'Rollscope <rollscope@test.example.com>',
    baseUrl: 'https://rollscope.example.com',
    managerEmails: [MANAGER],
    targets: { successRate: 0.95, stageSuccessRate: 0.99, yield: 0.8, unattendedRate: 0.95, rolloutsPerWeek: null },
    outboxDir: mkdtempSync(path.join(os.tmpdir(), 'rollscope-outbox-')),
    ...overrides,
  };
}

export async function createDigestDb(): Promise<TestDb> {
  const t = await createTestDb();
  await ingestRuns(
    t.db,
    [
      { rollout: 'p1', stage: 'image-pull', at: '2026-11-10T09:00:00Z', message: 'pull of registry.example.com/feed:1.2 timed out after 30s' },
      { rollout: 'r1', stage: 'image-pull', at: '2026-11-17T09:00:00Z', message: 'pull of registry.example.com/feed:1.3 timed out after 31s', host: 'web-1' },
      { rollout: 'r2', stage: 'image-pull', at: '2026-11-18T09:00:00Z', message: 'pull of registry.example.com/user:2.0 timed out after 45s', host: 'web-2' },
      { rollout: 'r3', stage: 'health-check', at: '2026-11-19T09:00:00Z', message: 'health check GET /healthz returned 503 after 3 attempts' },
      { rollout: 'r4', stage: 'monitor-attach', at: '2026-11-19T10:00:00Z' },
    ],
    'Europe/Berlin',
  );
  return t;
}
