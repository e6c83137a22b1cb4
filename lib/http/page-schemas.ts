import { z } from 'zod';
import { checkWeekOrDays, rangeFields, MAX_STAGE_RANGE_DAYS } from '../metrics/stages';
import {
  checkDayRange, idSchema, isoWeekSchema, keySchema, oneOf, pageSchema, tableSortFields,
} from './fields';

/**
 * The URL schemas of the pages whose parameters no lib module parses already (those live with
 * their lib function: lib/metrics/stages.ts#rangeSchema, lib/triage/list-classes.ts#classFiltersSchema;
 * the admission pages': admission-schemas.ts).
 * Each page and proxy.ts parse the same schema, through routes.ts.
 */

/** A page without parameters (parameters it does not know are ignored). */
export const noParamsSchema = z.object({});

/** /stages: the range, the chart grain and the table's sort. */
export const stagesPageSchema = z
  .object({ ...rangeFields, ...tableSortFields('stages') })
  .superRefine(checkDayRange({ maxDays: MAX_STAGE_RANGE_DAYS }))
  .superRefine(checkWeekOrDays);

/** /digests: the week shown, and the sort of its two tables. */
export const digestsPageSchema = z.object({ week: isoWeekSchema.optional(), ...tableSortFields('messages'), ...tableSortFields('jobs') });

/** /quarantine: one input batch or all, paged. */
export const quarantinePageSchema = z.object({ batch: idSchema.optional(), page: pageSchema, ...tableSortFields('quarantine') });

/** /forbidden: the role the refused page needs. */
export const forbiddenPageSchema = z.object({ need: oneOf(['viewer', 'engineer', 'admin']).optional() });

/** /errors/<id>: the ranked week whose figures the class page shows (default: the newest that lists it). */
export const classPageSchema = z.object({ week: isoWeekSchema.optional() });

/** Path segments: a numeric id (/errors/<id>, /digests/<id>). */
export const idSegmentSchema = z.object({ id: idSchema });
/** /stages/<key>: a stage key. */
export const stageSegmentSchema = z.object({ key: keySchema });
