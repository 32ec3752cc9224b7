/**
 * Issue 16: when a visit's reminder goes out — at the opening of the business day `daysBefore`
 * business days before the visit's (default one: a Monday visit is reminded on Friday morning,
 * a holiday skipped). Pure: the calendar and the instants are arguments.
 */
import type { BusinessCalendar } from './calendar.ts';

/** Business days before a visit that its reminder goes out, unless configured otherwise. */
export const VISIT_REMINDER_BUSINESS_DAYS = 1;

/** A calendar day with no business time in this many days back is not searched further. */
const MAX_DAYS_BACK = 60;
const HOURS_36 = 36 * 3_600_000;

/** The start of the business time of the day that starts at `day`, or null (none that day). */
function openingOf(calendar: BusinessCalendar, day: Date): Date | null {
  const next = calendar.startOfDay(new Date(day.getTime() + HOURS_36));
  return calendar.businessIntervals(day, next)[0]?.start ?? null;
}

/**
 * The instant a visit starting at `visitStart` is reminded: the opening of the `daysBefore`-th
 * business day before the visit's day (0: the visit's own day, at opening). Null when no such
 * day is found within two months (a calendar with no business time).
 */
export function visitReminderAt(
  calendar: BusinessCalendar,
  visitStart: Date,
  daysBefore: number = VISIT_REMINDER_BUSINESS_DAYS,
): Date | null {
  let day = calendar.startOfDay(visitStart);
  if (daysBefore <= 0) return openingOf(calendar, day);
  let found = 0;
  for (let back = 0; back < MAX_DAYS_BACK; back++) {
    day = calendar.startOfDay(new Date(day.getTime() - 1));
    const opening = openingOf(calendar, day);
    if (opening && ++found === daysBefore) return opening;
  }
  return null;
}
