import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../../lib/env';

describe('webhook settings', () => {
  it('are off (null) unless set, and taken as given when set', () => {
    const off = parseSettings({});
    expect(off.githubWebhookSecret).toBeNull();
    expect(off.gitlabWebhookToken).toBeNull();
    const on = parseSettings({ GITHUB_WEBHOOK_SECRET: ' s3 cret ', GITLAB_WEBHOOK_TOKEN: 'glt' });
    expect(on.githubWebhookSecret).toBe(' s3 cret ');
    expect(on.gitlabWebhookToken).toBe('glt');
  });
});
