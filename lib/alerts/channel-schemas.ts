import { z } from 'zod';

/**
 * The Settings forms of alert channels (app/(app)/settings/alert-channel-actions.ts), shared with
 * the tests. The same rules as a file channel (config.ts), except that a name is required: it is
 * the channel's id in its messages. An empty form field counts as absent. Errors name the field.
 */
/** Also the alerts file's (config.ts): kept here, free of I/O, as the Settings form (client) imports this module. */
export const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000, 'at most 2,000 characters');
export const channelName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes (≤ 40)');

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const ownerId = z.string({ error: 'is required' }).trim().min(1, 'is required').max(100, 'at most 100 characters');

export const CHANNEL_KINDS = ['webhook', 'slack', 'email'] as const;
export const FALLBACK_OWNER = 'fallback';

export const addChannelSchema = z
  .object({
    owner: ownerId,
    kind: z.enum(CHANNEL_KINDS, { error: 'must be webhook, slack or email' }),
    name: z.string({ error: 'is required' }).trim().pipe(channelName),
    url: z.preprocess(blankToUndefined, z.string().trim().pipe(httpUrl).optional()),
    to: z.preprocess(blankToUndefined, z.string().trim().pipe(z.email('must be an e-mail address').max(320)).optional()),
  })
  .superRefine((c, ctx) => {
    const issue = (path: 'url' | 'to', message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.kind !== 'email' && !c.url) issue('url', `is required for a ${c.kind} channel`);
    if (c.kind === 'email' && c.url) issue('url', 'is for webhook and slack channels only');
    if (c.kind !== 'email' && c.to) issue('to', 'is for email channels only');
    // The fallback has no address of its own to default to.
    if (c.kind === 'email' && !c.to && c.owner === FALLBACK_OWNER) issue('to', 'is required for a fallback email channel');
  });
export type AddChannelInput = z.infer<typeof addChannelSchema>;

export const removeChannelSchema = z.object({
  id: z.coerce.number({ error: 'must be a channel id' }).int('must be a channel id').positive('must be a channel id'),
});
