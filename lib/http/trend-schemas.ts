import { z } from 'zod';
import { DEFAULT_TREND_WEEKS, MAX_TREND_WEEKS } from '../metrics/trends';
import { oneOf, wholeNumber } from './fields';

/**
 * /trends: `weeks` complete weeks up to the last complete one (1–52, default 12); `current=show` adds
 * the week in progress.
 */
export const trendsPageSchema = z.object({
  weeks: wholeNumber(1, MAX_TREND_WEEKS).default(DEFAULT_TREND_WEEKS),
  current: oneOf(['hide', 'show']).default('hide'),
});
export type TrendsPage = z.infer<typeof trendsPageSchema>;
