import { z } from 'zod';
import type { Db } from '../db';
import { ValidationError } from '../errors';
import { idSchema } from '../http/fields';

/**
 * The link from a class to the issue its owning team follows it in (ErrorClass.trackerUrl): set
 * in triage, recorded as a decision, shown on the class page and list and in alerts and e-mails.
 */
export const TRACKER_URL_MAX = 2_000;
export const trackerUrlSchema = z
  .string()
  .trim()
  .max(TRACKER_URL_MAX, `is longer than ${TRACKER_URL_MAX.toLocaleString('en-US')} characters`)
  .refine((s) => s === '' || /^https?:\/\/[^\s]+$/i.test(s) && URL.canParse(s), 'must be an http(s) link')
  .transform((s) => (s === '' ? null : s));
/** The form: an empty URL clears the link. */
export const classTrackerFormSchema = z.object({ id: idSchema, trackerUrl: trackerUrlSchema });

export async function setClassTrackerUrl(db: Db, opts: { classId: number; trackerUrl: string | null; actor: string; now?: Date }): Promise<void> {
  const found = await db.prisma.errorClass.findUnique({ where: { id: opts.classId }, select: { mergedIntoId: true } });
  if (!found) throw new ValidationError(`error class ${opts.classId} does not exist`);
  if (found.mergedIntoId !== null) throw new ValidationError(`error class ${opts.classId} was merged into ${found.mergedIntoId}`);
  await db.prisma.errorClass.update({ where: { id: opts.classId }, data: { trackerUrl: opts.trackerUrl } });
  await db.prisma.classDecision.create({ data: { classId: opts.classId, kind: 'tracker', value: { trackerUrl: opts.trackerUrl }, actor: opts.actor, createdAt: opts.now ?? new Date() } });
}

export async function getClassTrackerUrl(db: Db, classId: number): Promise<string | null> {
  return (await db.prisma.errorClass.findUnique({ where: { id: classId }, select: { trackerUrl: true } }))?.trackerUrl ?? null;
}
