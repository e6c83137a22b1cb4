import type { z } from 'zod';
import type { ReadCtx } from './handler';
import { getApiKpis, getApiStages, listApiClasses, listApiRollouts, listApiViolations } from './lists';
import { classesQuerySchema, kpisQuerySchema, rolloutsQuerySchema, stagesQuerySchema, violationsQuerySchema } from './params';

type ObjectSchema = z.ZodObject<z.ZodRawShape>;
export type ReadEndpoint<S extends ObjectSchema = ObjectSchema> = { schema: S; read: (ctx: ReadCtx, query: z.infer<S>) => Promise<unknown> };

const endpoint = <S extends ObjectSchema>(schema: S, read: ReadEndpoint<S>['read']) => ({ schema, read }) as unknown as ReadEndpoint;
const ctxOf = (c: ReadCtx) => ({ db: c.db, timeZone: c.settings.timeZone, now: c.now });

/** Every data endpoint of /api/v1: its URL parameters and its read (app/api/v1/<name>/route.ts are one line each). */
export const READ_ENDPOINTS = {
  '/api/v1/stages': endpoint(stagesQuerySchema, (c, q) => getApiStages(ctxOf(c), q)),
  '/api/v1/kpis': endpoint(kpisQuerySchema, (c, q) => getApiKpis(ctxOf(c), c.settings.targets, q)),
  '/api/v1/classes': endpoint(classesQuerySchema, (c, q) => listApiClasses(ctxOf(c), q)),
  '/api/v1/rollouts': endpoint(rolloutsQuerySchema, (c, q) => listApiRollouts(ctxOf(c), q)),
  '/api/v1/violations': endpoint(violationsQuerySchema, (c, q) => listApiViolations(ctxOf(c), q)),
} as const satisfies Record<string, ReadEndpoint>;
export type ReadPath = keyof typeof READ_ENDPOINTS;
