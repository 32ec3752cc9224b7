import type { BusinessCalendar, BusinessInterval } from './calendar.ts';
import type { PolicyConfig } from './config.ts';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** R002-6: a visit is offered no sooner than one business hour from now. */
const VISIT_LEAD_BUSINESS_MINUTES = 60;
/** Slots are searched this many days at a time. */
const SEARCH_CHUNK_DAYS = 14;
const SEARCH_LIMIT_DAYS = 366;

/**
 * R000-5: rescheduling a visit is free when the customer gave notice at least 8 business hours
 * before it, or when a free reschedule is still owed (R000-8, R000-9, R000-10); otherwise it is
 * charged or deducted from the plan.
 */
export function rescheduleCost(
  visitStart: Date,
  noticeAt: Date,
  calendar: BusinessCalendar,
  config: PolicyConfig,
  freeReschedulesLeft: number,
): 'free' | 'charged' {
  return rescheduleTerms(visitStart, noticeAt, calendar, config, freeReschedulesLeft).cost;
}

/** Why a reschedule costs what it costs (R000-5): enough notice, a free one owed, or neither. */
export type RescheduleBecause = 'notice' | 'owed' | 'short-notice';

/** R000-5 with R000-8/9/10: a reschedule's cost, why, and whether it spends an owed free one. */
export interface RescheduleTerms {
  cost: 'free' | 'charged';
  because: RescheduleBecause;
  /** Business minutes from the notice to the visit (negative once it has started). */
  noticeBusinessMinutes: number;
}

/**
 * R000-5: the terms of moving a visit that starts at `visitStart`, asked at `noticeAt`. The
 * notice is measured in business minutes (weekends and holidays do not count); an owed free
 * reschedule (R000-8, R000-9, R000-10) is used only when the notice is too short.
 */
export function rescheduleTerms(
  visitStart: Date,
  noticeAt: Date,
  calendar: BusinessCalendar,
  config: PolicyConfig,
  freeReschedulesLeft: number,
): RescheduleTerms {
  const noticeBusinessMinutes = calendar.businessMinutesBetween(noticeAt, visitStart);
  const because: RescheduleBecause =
    noticeBusinessMinutes >= config.visits.freeRescheduleNoticeBusinessMinutes
      ? 'notice'
      : freeReschedulesLeft > 0
        ? 'owed'
        : 'short-notice';
  return { cost: because === 'short-notice' ? 'charged' : 'free', because, noticeBusinessMinutes };
}

/**
 * Reasons a service could not be done that entitle the customer to one more free reschedule:
 * no stable internet for a remote service (R000-8), infected equipment (R000-9), customer
 * absent past the tolerance (R000-10).
 */
export const FREE_RESCHEDULE_REASONS = ['no-internet', 'virus', 'customer-absent'] as const;
/** R000-8 / R000-9 / R000-10: why a service failed on the customer's side. */
export type FreeRescheduleReason = (typeof FREE_RESCHEDULE_REASONS)[number];

/** R000-8 / R000-9 / R000-10: whether a failure reason grants one more free reschedule. */
export function grantsExtraFreeReschedule(reason: string): reason is FreeRescheduleReason {
  return (FREE_RESCHEDULE_REASONS as readonly string[]).includes(reason);
}

/**
 * R000-10: the customer must be there at the agreed time with at most 10 minutes' tolerance;
 * later than that the service is cancelled. Calendar minutes.
 */
export function customerLate(agreedStart: Date, arrivedAt: Date, config: PolicyConfig): boolean {
  return (
    arrivedAt.getTime() - agreedStart.getTime() > config.visits.toleranceMinutes * MS_PER_MINUTE
  );
}

/**
 * R002-6: the visit slots to offer the customer — the next `slotsOffered` slots of
 * `slotMinutes`, each entirely inside one business interval, aligned to the interval's start in
 * `slotMinutes` steps (07:00, 09:00, 14:00 …), starting at least one business hour after `from`.
 */
export function visitSlots(
  calendar: BusinessCalendar,
  from: Date,
  config: PolicyConfig,
): BusinessInterval[] {
  const { slotMinutes, slotsOffered } = config.visits;
  const slotMs = slotMinutes * MS_PER_MINUTE;
  const earliest = calendar.addBusinessMinutes(from, VISIT_LEAD_BUSINESS_MINUTES).getTime();
  // Search from the start of the local day so that intervals are seen whole and slots align
  // to their starts, not to `earliest`.
  // Day boundaries come from the calendar (local midnights, DST included), not luxon per call.
  const dayAfter = (t: number, days: number) =>
    calendar.startOfDay(new Date(t + days * MS_PER_DAY + MS_PER_DAY / 2)).getTime();
  let cursor = calendar.startOfDay(new Date(earliest)).getTime();
  const limit = dayAfter(cursor, SEARCH_LIMIT_DAYS);
  const slots: BusinessInterval[] = [];
  while (slots.length < slotsOffered && cursor < limit) {
    const next = dayAfter(cursor, SEARCH_CHUNK_DAYS);
    for (const interval of calendar.businessIntervals(new Date(cursor), new Date(next))) {
      const end = interval.end.getTime();
      for (let s = interval.start.getTime(); s + slotMs <= end; s += slotMs) {
        if (s < earliest) continue;
        slots.push({ start: new Date(s), end: new Date(s + slotMs) });
        if (slots.length === slotsOffered) return slots;
      }
    }
    cursor = next;
  }
  return slots;
}

/**
 * R000-6: the time the technician waits for the customer counts as service time, so a visit's
 * service time runs from the technician's arrival (not from when the customer was ready) to
 * the end of the work. Calendar minutes, rounded up.
 */
export function serviceMinutes(technicianArrivedAt: Date, finishedAt: Date): number {
  return Math.max(
    0,
    Math.ceil((finishedAt.getTime() - technicianArrivedAt.getTime()) / MS_PER_MINUTE),
  );
}
