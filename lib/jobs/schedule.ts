import cron from 'node-cron';

/** Cron expressions of the scheduler, validated with a readable error, and their past occurrences. */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

export function validateSchedule(setting: string, expression: string, timeZone: string): void {
  const detail = cron.validateDetailed(expression);
  if (!detail.valid) {
    const why = detail.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw new ScheduleError(`${setting}: "${expression}" is not a valid cron expression (${why}); e.g. "0 17 * * 5" for Fridays at 17:00`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ScheduleError(`ROLLSCOPE_TIMEZONE: "${timeZone}" is not an IANA time zone (e.g. Europe/Berlin)`);
  }
}

const MINUTE = 60_000;
// Weekly jobs are caught up at most this far back: a scheduler down for longer starts afresh.
const LOOKBACK_MS = 8 * 24 * 60 * MINUTE;

/** The latest instant at or before `now` (to the minute) that the expression matches in the zone, or null. */
export function previousOccurrence(expression: string, timeZone: string, now: Date): Date | null {
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const start = Math.floor(now.getTime() / MINUTE) * MINUTE;
    for (let t = start; t > start - LOOKBACK_MS; t -= MINUTE) if (task.match(new Date(t))) return new Date(t);
    return null;
  } finally {
    void task.destroy();
  }
}
