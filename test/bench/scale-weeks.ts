import { addDays } from '../../lib/time/day';
import { isoWeekOfDay, previousWeek, weekDays } from '../../lib/time/iso-week';

/** The ISO weeks holding a day of the range [end - days, end) (days YYYY-MM-DD), oldest first. */
export function listDataWeeks(end: string, days: number): string[] {
  const weeks = new Set<string>();
  for (let i = days; i >= 1; i -= 1) weeks.add(isoWeekOfDay(addDays(end, -i)));
  return [...weeks];
}

/** The newest ISO week whose seven days all lie before `end`: the week a Friday digest reports. */
export function lastFullWeek(end: string): string {
  const week = isoWeekOfDay(addDays(end, -1));
  return weekDays(week)[6]! < end ? week : previousWeek(week);
}
