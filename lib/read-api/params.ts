import { z } from 'zod';
import { rangeSchema } from '../metrics/stages';
import { boundedText, calendarDaySchema, checkDayRange, isoWeekSchema, MAX_TEXT_LENGTH, oneOf, pageSchema, wholeNumber } from '../http/fields';

/**
 * URL parameters of the read-only JSON API (/api/v1). proxy.ts answers a bad one with 400 naming
 * it before a handler runs (lib/http/screen.ts); the handlers parse them again for their types.
 */
/** A page of at most 200 rows keeps one answer under ~1 MB; scripts page through the rest. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
/** Rollouts are listed over at most a quarter of days per request (the @@index([day, outcome]) range). */
export const MAX_ROLLOUT_DAYS = 92;

const pageFields = { page: pageSchema, pageSize: wholeNumber(1, MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE) };

export const stagesQuerySchema = rangeSchema;
export const kpisQuerySchema = z.object({ throughWeek: isoWeekSchema.optional() });
export const classesQuerySchema = z.object({ week: isoWeekSchema.optional(), ...pageFields });
export const rolloutsQuerySchema = z
  .object({
    from: calendarDaySchema.optional(),
    to: calendarDaySchema.optional(),
    outcome: oneOf(['succeeded', 'failed', 'in_progress']).optional(),
    service: boundedText(MAX_TEXT_LENGTH).optional(),
    ...pageFields,
  })
  .superRefine(checkDayRange({ maxDays: MAX_ROLLOUT_DAYS }));
export const violationsQuerySchema = z.object({
  status: oneOf(['open', 'acknowledged', 'resolved']).optional(),
  rule: boundedText(MAX_TEXT_LENGTH).optional(),
  ...pageFields,
});

export type PageQuery = { page: number; pageSize: number };
/** Every list answers with its page of rows and where it stands: pages past the last are empty. */
export type Paged<T> = { data: T[]; page: number; pageSize: number; total: number; pages: number };

export function paged<T>(data: T[], q: PageQuery, total: number): Paged<T> {
  return { data, page: q.page, pageSize: q.pageSize, total, pages: Math.ceil(total / q.pageSize) };
}

export const skipTake = (q: PageQuery) => ({ skip: (q.page - 1) * q.pageSize, take: q.pageSize });
