/**
 * The policy a deployment gets where its policy file says nothing: the catalogue's numbers
 * (docs/POLICY.md), and ours where the documents lost theirs.
 */
import type { PolicyConfig } from './config.ts';

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
