import { describe, expect, it } from 'vitest';
import { windowDaysSchema } from '../../lib/admission/kind';
import { parseSettings } from '../../lib/env';
import { MIN_RETENTION_DAYS } from '../../lib/retention/minimum';

describe('settings', () => {
  it('has a default for everything, with the SQLite file resolved to one absolute path', () => {
    const s = parseSettings({}, '/srv/rollscope');
    expect(s).toMatchObject({
      databaseKind: 'sqlite',
      databaseUrl: 'file:/srv/rollscope/data/rollscope.db',
      sqlitePath: '/srv/rollscope/data/rollscope.db',
      timeZone: 'UTC',
      inboxDir: '/srv/rollscope/data/inbox',
      importCron: '0 1 * * *',
      port: 3000,
      ingestTokens: [],
    });
  });

  it('picks PostgreSQL from a postgresql:// URL and splits token lists', () => {
    const s = parseSettings({ DATABASE_URL: 'postgresql://u@db:5432/rollscope', INGEST_TOKENS: 'a, b,,' }, '/x');
    expect(s).toMatchObject({ databaseKind: 'postgresql', databaseUrl: 'postgresql://u@db:5432/rollscope', sqlitePath: null, ingestTokens: ['a', 'b'] });
  });

  it('points e-mail links at this server: the base URL follows PORT unless set, with a warning when a set one names another port', () => {
    expect(parseSettings({ PORT: '4100' }, '/x')).toMatchObject({ baseUrl: 'http://localhost:4100', baseUrlWarning: null });
    expect(parseSettings({}, '/x')).toMatchObject({ baseUrl: 'http://localhost:3000', baseUrlWarning: null });
    expect(parseSettings({ PORT: '4100', ROLLSCOPE_BASE_URL: 'http://localhost:4100/' }, '/x')).toMatchObject({ baseUrl: 'http://localhost:4100', baseUrlWarning: null });
    expect(parseSettings({ PORT: '443', ROLLSCOPE_BASE_URL: 'https://rollscope.example.com' }, '/x').baseUrlWarning).toBeNull();
    const s = parseSettings({ PORT: '4100', ROLLSCOPE_BASE_URL: 'http://localhost:3000' }, '/x');
    expect(s.baseUrl).toBe('http://localhost:3000');
    expect(s.baseUrlWarning).toMatch(/ROLLSCOPE_BASE_URL http:\/\/localhost:3000 names port 3000 but the server listens on PORT 4100/);
  });

  it('fails with a readable message naming each bad setting', () => {
    expect(() => parseSettings({ DATABASE_URL: 'mysql://x', ROLLSCOPE_TIMEZONE: 'Mars/Olympus', PORT: 'abc' }, '/x')).toThrow(
      /Invalid settings[\s\S]*DATABASE_URL: must start with file:[\s\S]*ROLLSCOPE_TIMEZONE: is not an IANA time zone[\s\S]*PORT:/,
    );
  });

  it('keeps every stage run unless ROLLSCOPE_RETENTION_DAYS is set, and refuses a retention that would cut a window short', () => {
    // The longest window (90 days) read from the Monday before yesterday's week, under a horizon set the same day.
    expect(MIN_RETENTION_DAYS).toBe(97);
    expect(windowDaysSchema.safeParse(MIN_RETENTION_DAYS - 7).success).toBe(true);
    expect(windowDaysSchema.safeParse(MIN_RETENTION_DAYS - 6).success).toBe(false);
    expect(parseSettings({}, '/x').retentionDays).toBeNull();
    expect(parseSettings({ ROLLSCOPE_RETENTION_DAYS: '' }, '/x').retentionDays).toBeNull();
    expect(parseSettings({ ROLLSCOPE_RETENTION_DAYS: ' 365 ' }, '/x').retentionDays).toBe(365);
    expect(parseSettings({ ROLLSCOPE_RETENTION_DAYS: '97' }, '/x').retentionDays).toBe(97);
    for (const bad of ['30', '91', '96', '-5', '1.5', 'a year', '99999999']) {
      expect(() => parseSettings({ ROLLSCOPE_RETENTION_DAYS: bad }, '/x')).toThrow(
        /ROLLSCOPE_RETENTION_DAYS: must be a whole number of days from 97 \(the longest admission window, 90 days, plus the week it is judged in\) to 36500, or unset/,
      );
    }
  });
});
