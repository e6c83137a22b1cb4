import { HttpError } from '../../lib/errors';

/** What a server action answers: a message on success, or the error a person can act on. */
export type ActionResult = { ok: true; message: string } | { ok: false; error: string } | null;

/** Maps lib's typed errors (validation, forbidden…) to an answer; anything else is a bug and is thrown. */
export async function runAction(work: () => Promise<string>): Promise<ActionResult> {
  try {
    return { ok: true, message: await work() };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    throw error;
  }
}
