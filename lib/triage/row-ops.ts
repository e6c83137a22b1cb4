import { z } from 'zod';
import { idSchema, oneOf } from '../http/fields';

/**
 * The one-click decisions of a row of the class list: take the class, acknowledge it, resolve it,
 * or reopen it — without opening the class or picking anyone. Pure, so the row's client form and
 * the server action share it.
 */
export const ROW_OPS = ['assign', 'acknowledge', 'resolve', 'reopen'] as const;
export type RowOp = (typeof ROW_OPS)[number];
export const rowTriageSchema = z.object({ id: idSchema, op: oneOf(ROW_OPS) });

export const ROW_OP_LABELS: Record<RowOp, string> = {
  assign: 'Assign to me', acknowledge: 'Acknowledge', resolve: 'Resolve', reopen: 'Reopen',
};

/** The decisions a row offers for a class in `status`: what would change it (never "acknowledge" twice). */
export function rowOpsFor(status: string, assignedToMe: boolean): RowOp[] {
  const assign: RowOp[] = assignedToMe ? [] : ['assign'];
  if (status === 'open') return [...assign, 'acknowledge', 'resolve'];
  if (status === 'acknowledged') return [...assign, 'resolve'];
  if (status === 'resolved' || status === 'ignored') return ['reopen'];
  return [];
}
