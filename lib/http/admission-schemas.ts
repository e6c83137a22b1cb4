import { z } from 'zod';
import { boundedText, isUrlWeek, keySchema, pageSchema, quote } from './fields';

/** The URL schemas of the admission pages; each page and proxy.ts parse them through routes.ts. */

/** /admission: `week=2026-W47`, `week=all`, or nothing (the last 28 days); `page` of the latest violations. */
export const admissionPageSchema = z.object({
  week: boundedText(20)
    .refine((w) => w === 'all' || isUrlWeek(w), {
      error: (issue) => `${quote(issue.input)} is not an ISO week of the years 2000–2099 (YYYY-Www, e.g. 2026-W47) or "all"`,
    })
    .optional(),
  page: pageSchema,
});

/** /admission/<id>: the page of the rule's violations (open first). */
export const admissionRulePageSchema = z.object({ page: pageSchema });

/** /admission/<id>: a rule id. */
export const ruleSegmentSchema = z.object({ id: keySchema });
