import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { COUNTRIES, LANGUAGES } from '../types.ts';
// Key lists below mirror SEVERITIES, URGENCIES, … of priority-scales.ts; the compiler checks
// the match where priority.ts indexes these objects with its union types.
import { PRIORITIES } from './priority-scales.ts';

/** R003-3 / R003-4: an announced extension adds business time, a suspension removes it. */
export const ANNOUNCEMENT_KINDS = ['extension', 'suspension'] as const;
/** R003-3 / R003-4: the kind of an announced change to office hours. */
export type AnnouncementKind = (typeof ANNOUNCEMENT_KINDS)[number];

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Minutes since local midnight of a validated `HH:mm` string. */
export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

const timeOfDay = z.string().regex(TIME_OF_DAY, { error: 'is not a time HH:mm' });
const localDate = z.string().refine((s) => LOCAL_DATE.test(s) && DateTime.fromISO(s).isValid, {
  error: 'is not a date YYYY-MM-DD',
});
const instant = z.iso.datetime({
  offset: true,
  error: 'is not an ISO instant with its offset (e.g. "2026-03-02T07:00:00-06:00")',
});
const timeZone = z.string().refine((s) => IANAZone.isValidZone(s), {
  error: 'is not an IANA time zone (e.g. "America/Mexico_City")',
});
const countryCode = z.enum(COUNTRIES);
const priority = z.enum(PRIORITIES);
const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

const windowSchema = z
  .strictObject({ start: timeOfDay, end: timeOfDay })
  .refine(
    (w) =>
      !TIME_OF_DAY.test(w.start) ||
      !TIME_OF_DAY.test(w.end) ||
      minutesOfDay(w.start) < minutesOfDay(w.end),
    {
      error: 'must end after it starts',
      path: ['end'],
    },
  );

const officeHoursSchema = z
  .strictObject({
    days: z.array(z.int().min(1).max(7)).min(1),
    windows: z.array(windowSchema).min(1),
  })
  .superRefine((hours, ctx) => {
    hours.days.forEach((day, i) => {
      if (hours.days.indexOf(day) !== i) {
        ctx.addIssue({ code: 'custom', message: 'is repeated', path: ['days', i] });
      }
    });
    hours.windows.forEach((w, i) => {
      const previous = i > 0 ? hours.windows[i - 1] : undefined;
      if (
        previous &&
        TIME_OF_DAY.test(w.start) &&
        TIME_OF_DAY.test(previous.end) &&
        minutesOfDay(w.start) < minutesOfDay(previous.end)
      ) {
        ctx.addIssue({
          code: 'custom',
          message: `must not start before the end of windows[${i - 1}] (${previous.end}): windows are sorted and do not overlap`,
          path: ['windows', i, 'start'],
        });
      }
    });
  });

const countrySchema = z.strictObject({ timeZone, holidays: z.boolean() });

const holidayOverrideSchema = z.strictObject({
  country: countryCode,
  date: localDate,
  holiday: z.boolean(),
  name: z.string().optional(),
  note: z.string().optional(),
});

const announcementSchema = z
  .strictObject({
    kind: z.enum(ANNOUNCEMENT_KINDS),
    country: countryCode.optional(),
    from: instant,
    to: instant,
    note: z.string().optional(),
  })
  .refine(
    (a) =>
      !instant.safeParse(a.from).success ||
      !instant.safeParse(a.to).success ||
      Date.parse(a.from) < Date.parse(a.to),
    {
      error: 'must be later than "from"',
      path: ['to'],
    },
  );

const urgencyRow = z.strictObject({
  critical: priority,
  high: priority,
  medium: priority,
  low: priority,
});

const prioritySchema = z.strictObject({
  fairUse: z.strictObject({ low: priority, medium: priority, high: priority }),
  matrix: z.strictObject({
    critical: urgencyRow,
    high: urgencyRow,
    medium: urgencyRow,
    low: urgencyRow,
  }),
  classes: z.strictObject({
    'very-low': priority,
    low: priority,
    medium: priority,
    high: priority,
    'very-high': priority,
  }),
});

const slaTargetSchema = z
  .strictObject({
    firstContactMinutes: positive,
    responseBusinessDays: positive,
    solutionBusinessDays: positive,
  })
  .refine((t) => t.responseBusinessDays <= t.solutionBusinessDays, {
    error: 'must not be shorter than responseBusinessDays',
    path: ['solutionBusinessDays'],
  });

const slaSchema = z.strictObject({
  P1: slaTargetSchema,
  P2: slaTargetSchema,
  P3: slaTargetSchema,
  P4: slaTargetSchema,
  P5: slaTargetSchema,
});

const fairUseSchema = z.strictObject({
  followUpWaitMinutes: nonNegative,
  chatLimitMinutes: positive,
  abuseWarningsBeforeSuspension: z.int().nonnegative(),
  suspensionHours: nonNegative,
});

const visitsSchema = z.strictObject({
  freeRescheduleNoticeBusinessMinutes: nonNegative,
  toleranceMinutes: nonNegative,
  slotMinutes: z.int().positive(),
  slotsOffered: z.int().positive(),
});

const languageSchema = z
  .strictObject({ default: z.enum(LANGUAGES), supported: z.array(z.enum(LANGUAGES)).min(1) })
  .refine((l) => l.supported.includes(l.default), {
    error: 'must be one of the supported languages',
    path: ['default'],
  });

function windowMinutes(windows: readonly { start: string; end: string }[]): number[] {
  return windows.map((w) => minutesOfDay(w.end) - minutesOfDay(w.start));
}

/**
 * The policy schema. `businessDayMinutes` may be omitted: it is derived from the office-hour
 * windows (ARCHITECTURE decision 4: 5 h + 3 h = 480 minutes = one business day); when given,
 * it must equal their sum, so that a changed window cannot silently leave a stale day length.
 */
export const policySchema = z
  .strictObject({
    officeHours: officeHoursSchema,
    countries: z.record(countryCode, countrySchema),
    holidayOverrides: z.array(holidayOverrideSchema),
    announcements: z.array(announcementSchema),
    businessDayMinutes: positive.optional(),
    priority: prioritySchema,
    sla: slaSchema,
    fairUse: fairUseSchema,
    visits: visitsSchema,
    language: languageSchema,
  })
  .superRefine((policy, ctx) => {
    const lengths = windowMinutes(policy.officeHours.windows);
    // a bad window is already reported; a day length or slot check on it would only add noise
    if (lengths.some((n) => !(n > 0))) return;
    const sum = lengths.reduce((a, b) => a + b, 0);
    if (policy.businessDayMinutes !== undefined && policy.businessDayMinutes !== sum) {
      ctx.addIssue({
        code: 'custom',
        message: `must equal the sum of the office-hour windows (${sum})`,
        path: ['businessDayMinutes'],
      });
    }
    if (policy.visits.slotMinutes > Math.max(...lengths)) {
      ctx.addIssue({
        code: 'custom',
        message: `must fit in the longest office-hour window (${Math.max(...lengths)} minutes)`,
        path: ['visits', 'slotMinutes'],
      });
    }
  })
  .transform((policy) => ({
    ...policy,
    businessDayMinutes:
      policy.businessDayMinutes ??
      windowMinutes(policy.officeHours.windows).reduce((a, b) => a + b, 0),
  }));

/** The validated policy of one deployment (PolicyConfig is what the rest of the code reads). */
export type PolicyConfig = z.output<typeof policySchema>;
/** R003-2: days and windows of attention. */
export type OfficeHours = PolicyConfig['officeHours'];
/** R003-2: one window of attention in local time, `HH:mm`–`HH:mm`. */
export type OfficeWindow = OfficeHours['windows'][number];
/** A dated correction of the holiday data of date-holidays for one country. */
export type HolidayOverride = PolicyConfig['holidayOverrides'][number];
/** R003-3 / R003-4: an announced extension or suspension of office hours. */
export type Announcement = PolicyConfig['announcements'][number];
/** R002-5 / R003-6: first-contact, response and solution targets for one priority. */
export type SlaTarget = PolicyConfig['sla']['P1'];
