import { z } from 'zod';
import { unstorableText } from '../ingest/record';
import { checkWeekOrDays, MAX_STAGE_RANGE_DAYS } from '../metrics/stages';
import { MAX_QUERY } from '../places/search';
import { boundedText, calendarDaySchema, checkDayRange, isoWeekSchema } from './fields';

/**
 * The URL schemas of the place pages (/rollouts/<id>, /hosts/<host>, /services/<name>) and of
 * /search. Ids and names are any text the ingest accepts, one percent-encoded path segment each.
 */

// The ingest's own limits (lib/ingest/record.ts): longer ids and names cannot be stored.
const MAX_ROLLOUT_ID = 200;
const MAX_HOST = 255;
const MAX_SERVICE = 200;

/** /rollouts/<id>: any rollout id (an unknown one is a 404). */
export const rolloutSegmentSchema = z.object({ id: boundedText(MAX_ROLLOUT_ID) });
/** /hosts/<host>. */
export const hostSegmentSchema = z.object({ host: boundedText(MAX_HOST) });
/** /services/<name>. */
export const serviceSegmentSchema = z.object({ name: boundedText(MAX_SERVICE) });

/**
 * The period of a host or service page: `week=2026-W47`, or `from`/`to` (at most 92 days, as on
 * the stage pages); neither: the week the dashboard reports.
 */
export const placePeriodSchema = z
  .object({ week: isoWeekSchema.optional(), from: calendarDaySchema.optional(), to: calendarDaySchema.optional() })
  .superRefine(checkDayRange({ maxDays: MAX_STAGE_RANGE_DAYS }))
  .superRefine(checkWeekOrDays);

/** /search?q=: at most 256 characters of text the databases can compare (no NUL, no lone surrogate). */
export const searchPageSchema = z.object({
  q: boundedText(MAX_QUERY)
    .superRefine((q, ctx) => {
      const problem = unstorableText(q);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(', which cannot be stored', ', which no name holds') });
    })
    .optional(),
});

/**
 * A page's dynamic segments as text: Next (16) hands them over as they stand in the path, still
 * percent-encoded (`a%2Fb`), so they are decoded once here. proxy.ts has already answered a
 * malformed encoding with 400; should one get through all the same, it stays as it is (a 404).
 */
export function decodeSegments<T extends Record<string, string>>(raw: T): T {
  const decoded: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    try {
      decoded[k] = decodeURIComponent(v);
    } catch {
      decoded[k] = v;
    }
  }
  return decoded as T;
}
