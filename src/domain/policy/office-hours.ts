/**
 * R003-2: whether people of the team can answer now and, when not, why (a holiday, a day
 * without office hours, outside today's hours) and when they are back, in the customer's local
 * terms — so the customer is told "el lunes a las 7:00" or the holiday by its name.
 */
import { DateTime } from 'luxon';
import type { Country } from '../types.ts';
import type { BusinessCalendar } from './calendar.ts';
import type { PolicyConfig } from './config.ts';
import { holidayName } from './holidays.ts';

/** Why nobody of the team answers now. */
export type ClosedReason = 'holiday' | 'dayOff' | 'outsideHours' | 'suspension';

/** R003-3 / R003-4: an announcement in force at the instant asked about. */
export interface AnnouncementInForce {
  kind: 'extension' | 'suspension';
  /** What customers are told (training, technical trouble…); empty when none was written. */
  note: string;
  /** ISO instant it ends. */
  until: string;
}

/** Office hours at an instant, as told to a customer (R003-2). */
export interface OfficeHoursNow {
  open: boolean;
  /** ISO instant people are back (the instant itself when open). */
  nextOpenAt: string;
  /** Null when open. */
  closedBecause: ClosedReason | null;
  /** An announced suspension or extension in force now (R003-3, R003-4), if any. */
  announcement: AnnouncementInForce | null;
  /** Today's holiday by name (the customer's language where known), when it is one. */
  holiday: string | null;
  /** Today's local weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** When people are back, locally: days from today (0, 1, …), weekday and time "7:00". */
  nextOpen: { inDays: number; weekday: number; time: string };
}

/** R003-2: office hours at `at` on a country's calendar, holiday names in `language`. */
export function officeHoursNow(
  calendar: BusinessCalendar,
  config: PolicyConfig,
  at: Date,
  language: string,
): OfficeHoursNow {
  const open = calendar.isBusinessTime(at);
  const next = calendar.nextBusinessInstant(at);
  const today = DateTime.fromJSDate(at, { zone: calendar.timeZone });
  const back = DateTime.fromJSDate(next, { zone: calendar.timeZone });
  const holiday = holidayName(
    calendar.country as Country,
    today.toISODate() ?? '',
    config,
    language,
  );
  const t = at.getTime();
  const inForce = config.announcements
    .filter((a) => a.country === undefined || a.country === calendar.country)
    .filter((a) => Date.parse(a.from) <= t && t < Date.parse(a.to))
    // A suspension in force says more than an extension when both are (it wins in the calendar).
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'suspension' ? -1 : 1))[0];
  const announcement: AnnouncementInForce | null = inForce
    ? { kind: inForce.kind, note: inForce.note ?? '', until: new Date(inForce.to).toISOString() }
    : null;
  let closedBecause: ClosedReason | null = null;
  if (!open) {
    if (announcement?.kind === 'suspension') closedBecause = 'suspension';
    else if (holiday !== null) closedBecause = 'holiday';
    else if (!config.officeHours.days.includes(today.weekday)) closedBecause = 'dayOff';
    else closedBecause = 'outsideHours';
  }
  return {
    open,
    nextOpenAt: next.toISOString(),
    closedBecause,
    announcement: open || announcement?.kind === 'suspension' ? announcement : null,
    holiday,
    weekday: today.weekday,
    nextOpen: {
      inDays: Math.round(back.startOf('day').diff(today.startOf('day'), 'days').days),
      weekday: back.weekday,
      time: back.toFormat('H:mm'),
    },
  };
}
