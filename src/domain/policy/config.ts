import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { ConfigurationError } from '../errors.ts';
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

/** R001-6: no follow-up request on a ticket before this many calendar minutes. */
export const FOLLOW_UP_WAIT_MINUTES = 40;
/** R001-7: a chat session lasts at most this many calendar minutes. */
export const CHAT_LIMIT_MINUTES = 20;
/** R000-5: notice of at least 8 business hours makes a reschedule free. */
export const FREE_RESCHEDULE_NOTICE_BUSINESS_MINUTES = 8 * 60;
/** R000-10: at most 10 minutes' tolerance for the customer at a visit. */
export const VISIT_TOLERANCE_MINUTES = 10;
/** R002-5: technical staff contact the customer within one hour (the P1 target). */
export const P1_FIRST_CONTACT_MINUTES = 60;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The catalogue's defaults (POLICY.md). Office hours are R003-2's; the SLA days (R003-6) and
 * the first-contact minutes of P2–P5 are ours, since the 003 tables were lost; P1's first
 * contact is R002-5's hour.
 */
export const DEFAULT_POLICY: PolicyConfig = deepFreeze({
  officeHours: {
    days: [1, 2, 3, 4, 5],
    windows: [
      { start: '07:00', end: '12:00' },
      { start: '14:00', end: '17:00' },
    ],
  },
  countries: {
    MX: { timeZone: 'America/Mexico_City', holidays: true },
    CO: { timeZone: 'America/Bogota', holidays: true },
    VE: { timeZone: 'America/Caracas', holidays: true },
  },
  // date-holidays (3.x) still puts the presidential transition on 1 December every six years;
  // the 2024 reform of article 74 of the Federal Labour Law moved it to 1 October from 2024 on.
  holidayOverrides: [
    {
      country: 'MX',
      date: '2024-10-01',
      holiday: true,
      name: 'Transmisión del Poder Ejecutivo Federal',
      note: 'moved to 1 October from 2024 on',
    },
    {
      country: 'MX',
      date: '2024-12-01',
      holiday: false,
      note: 'date-holidays still lists the transition on 1 December (a Sunday anyway in 2024)',
    },
    {
      country: 'MX',
      date: '2030-10-01',
      holiday: true,
      name: 'Transmisión del Poder Ejecutivo Federal',
      note: 'moved to 1 October from 2024 on',
    },
    {
      country: 'MX',
      date: '2030-12-01',
      holiday: false,
      note: 'date-holidays still lists the transition on 1 December',
    },
  ],
  announcements: [],
  businessDayMinutes: 480,
  priority: {
    fairUse: { low: 'P4', medium: 'P3', high: 'P2' },
    // ITIL-style: the further from critical on both axes, the lower; symmetric in its axes.
    matrix: {
      critical: { critical: 'P1', high: 'P1', medium: 'P2', low: 'P3' },
      high: { critical: 'P1', high: 'P2', medium: 'P3', low: 'P3' },
      medium: { critical: 'P2', high: 'P3', medium: 'P3', low: 'P4' },
      low: { critical: 'P3', high: 'P3', medium: 'P4', low: 'P5' },
    },
    classes: { 'very-low': 'P5', low: 'P4', medium: 'P3', high: 'P2', 'very-high': 'P1' },
  },
  sla: {
    P1: {
      firstContactMinutes: P1_FIRST_CONTACT_MINUTES,
      responseBusinessDays: 0.5,
      solutionBusinessDays: 1,
    },
    P2: { firstContactMinutes: 120, responseBusinessDays: 1, solutionBusinessDays: 2 },
    P3: { firstContactMinutes: 240, responseBusinessDays: 2, solutionBusinessDays: 5 },
    P4: { firstContactMinutes: 480, responseBusinessDays: 3, solutionBusinessDays: 10 },
    P5: { firstContactMinutes: 480, responseBusinessDays: 5, solutionBusinessDays: 15 },
  },
  fairUse: {
    followUpWaitMinutes: FOLLOW_UP_WAIT_MINUTES,
    chatLimitMinutes: CHAT_LIMIT_MINUTES,
    abuseWarningsBeforeSuspension: 2,
    suspensionHours: 24,
  },
  visits: {
    freeRescheduleNoticeBusinessMinutes: FREE_RESCHEDULE_NOTICE_BUSINESS_MINUTES,
    toleranceMinutes: VISIT_TOLERANCE_MINUTES,
    slotMinutes: 120,
    slotsOffered: 4,
  },
  language: { default: 'es', supported: ['es', 'en', 'pt'] },
} satisfies PolicyConfig);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Objects merge key by key; arrays and scalars replace; `undefined` leaves the default. */
function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const result: Record<string, unknown> = {};
  for (const [key, value] of [...Object.entries(base), ...Object.entries(over)]) {
    if (value === undefined) continue;
    // defineProperty: a "__proto__" key from JSON stays a key (and is reported as unknown).
    Object.defineProperty(result, key, {
      value: Object.hasOwn(result, key) ? mergeDeep(result[key], value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .reduce((a, b) => a + b, 'policy');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function formatValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

/** Sentences that read after "path: value" (zod's defaults read on their own). */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `is not ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must have at least ${issue.minimum} item(s)`
        : `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `must have at most ${issue.maximum} item(s)`
        : `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    default:
      return undefined;
  }
};

function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        return `${formatPath(path)}: ${formatValue(valueAt(input, path))} is not a known setting`;
      });
    }
    if (issue.code === 'invalid_key') {
      // record keys: report the key itself, not its value
      const key = issue.path[issue.path.length - 1];
      return [
        `${formatPath(issue.path)}: ${formatValue(key)} is not one of ${COUNTRIES.join(', ')}`,
      ];
    }
    return [
      `${formatPath(issue.path)}: ${formatValue(valueAt(input, issue.path))} ${issue.message}`,
    ];
  });
}

/**
 * Reads a deployment's policy: a partial object is merged over DEFAULT_POLICY (deeply for
 * objects; lists replace) and validated. Throws ConfigurationError naming every bad path and
 * value, e.g. `policy.officeHours.windows[1].start: "25:00" is not a time HH:mm`, so a bad
 * policy stops the start-up instead of mis-timing SLAs.
 */
export function parsePolicy(input: unknown = {}): PolicyConfig {
  const given = input ?? {};
  if (!isPlainObject(given)) {
    throw new ConfigurationError(`policy: ${formatValue(given)} is not an object`);
  }
  const { businessDayMinutes: _derived, ...defaults } = DEFAULT_POLICY;
  const merged = mergeDeep(defaults, given);
  const result = policySchema.safeParse(merged, { error: errorMap });
  if (!result.success) {
    throw new ConfigurationError(describeIssues(result.error.issues, merged).join('\n'), {
      cause: result.error,
    });
  }
  return result.data;
}
