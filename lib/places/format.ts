/** Instants on the place pages: "2026-11-23 14:05:09" in the dashboard's time zone (seconds tell retries apart). */
const formats = new Map<string, Intl.DateTimeFormat>();

export function formatInstant(at: Date | null, timeZone: string): string {
  if (at === null) return '–';
  let f = formats.get(timeZone);
  if (!f) {
    const two = '2-digit' as const;
    // Swedish writes dates as ISO does: 2026-11-23 14:05:09.
    f = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: two, day: two, hour: two, minute: two, second: two, hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  return f.format(at);
}

/** "in progress" for in_progress; the other outcomes as they are. */
export const formatOutcome = (outcome: string): string => outcome.replace(/_/g, ' ');
