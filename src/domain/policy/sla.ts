import type { BusinessCalendar } from './calendar.ts';
import type { PolicyConfig } from './config.ts';
import type { Priority } from './priority-scales.ts';

/** The absolute due times of a case, fixed when it opens (ARCHITECTURE decision 4). */
export interface SlaDueTimes {
  /** R002-5: technical staff contact the customer (one business hour for P1). */
  firstContactDue: Date;
  /** R003-6: maximum response time; past it level 1 escalates to level 2 (R003-8). */
  responseDue: Date;
  /** R003-6: maximum solution time. */
  solutionDue: Date;
}

/**
 * R002-5 / R003-6: turns the priority's targets into due times on the business calendar.
 * Business days count as `businessDayMinutes` (480 = 8 h by default), so half a day is 240
 * business minutes whatever the hour the case opened.
 */
export function slaDueTimes(
  openedAt: Date,
  priority: Priority,
  calendar: BusinessCalendar,
  config: PolicyConfig,
): SlaDueTimes {
  const target = config.sla[priority];
  const days = (n: number): number => n * config.businessDayMinutes;
  return {
    firstContactDue: calendar.addBusinessMinutes(openedAt, target.firstContactMinutes),
    responseDue: calendar.addBusinessMinutes(openedAt, days(target.responseBusinessDays)),
    solutionDue: calendar.addBusinessMinutes(openedAt, days(target.solutionBusinessDays)),
  };
}

/**
 * ARCHITECTURE decision 4: the resolution clock stops while the case waits on the customer.
 * The due time moves later by the business minutes of the pause [pausedFrom, pausedTo); a
 * pause outside office hours moves nothing.
 */
export function pausedSolutionDue(
  solutionDue: Date,
  pausedFrom: Date,
  pausedTo: Date,
  calendar: BusinessCalendar,
): Date {
  const paused = Math.max(0, calendar.businessMinutesBetween(pausedFrom, pausedTo));
  return paused === 0 ? solutionDue : calendar.addBusinessMinutes(solutionDue, paused);
}

/** The three SLA targets of a case (R002-5, R003-6). */
export const SLA_GOALS = ['firstContact', 'response', 'solution'] as const;
export type SlaGoal = (typeof SLA_GOALS)[number];

/**
 * The SLA clock's pauses (as Zendesk's and Freshdesk's "pending" status): `minutes` of business
 * time the case waited on the customer in pauses already over, and the pause running now.
 */
export interface SlaPause {
  /** When the running pause began; null when the clock runs. */
  since: Date | null;
  /** Business minutes of the pauses already over. */
  minutes: number;
}

/** A clock that never paused. */
export const NO_PAUSE: SlaPause = { since: null, minutes: 0 };

/**
 * Business minutes from opening to each target's due instant under a priority, paused time
 * included: the response and solution clocks stop while the case waits on the customer
 * (ARCHITECTURE decision 4); the first contact does not (R002-5 is about us calling them).
 */
export function slaBudgets(
  priority: Priority,
  pause: SlaPause,
  config: PolicyConfig,
): Record<SlaGoal, number> {
  const target = config.sla[priority];
  const days = (n: number): number => n * config.businessDayMinutes;
  return {
    firstContact: target.firstContactMinutes,
    response: days(target.responseBusinessDays) + pause.minutes,
    solution: days(target.solutionBusinessDays) + pause.minutes,
  };
}

/**
 * R002-5 / R003-6 recomputed: the due instants of a case opened at `openedAt` under its
 * current priority (a raised priority, R003-8, counts from the opening like Zendesk's
 * re-applied policy) with the business minutes it waited on the customer carried over. Adding
 * business minutes is additive, so opened + (target + paused) is the due instant the remaining
 * time gives when the clock resumes.
 */
export function slaDueAfterPauses(
  openedAt: Date,
  priority: Priority,
  pause: SlaPause,
  calendar: BusinessCalendar,
  config: PolicyConfig,
): SlaDueTimes {
  const budget = slaBudgets(priority, pause, config);
  return {
    firstContactDue: calendar.addBusinessMinutes(openedAt, budget.firstContact),
    responseDue: calendar.addBusinessMinutes(openedAt, budget.response),
    solutionDue: calendar.addBusinessMinutes(openedAt, budget.solution),
  };
}

/**
 * The instant the people in charge are warned of a target: `leadMinutes` business minutes
 * before it is due (at the opening when the whole budget is shorter than the lead).
 */
export function slaWarningAt(
  openedAt: Date,
  budgetMinutes: number,
  leadMinutes: number,
  calendar: BusinessCalendar,
): Date {
  return calendar.addBusinessMinutes(openedAt, Math.max(0, budgetMinutes - leadMinutes));
}

/** The pause as it stands once the customer answered at `at`: its business minutes added up. */
export function resumedPause(pause: SlaPause, at: Date, calendar: BusinessCalendar): SlaPause {
  if (pause.since === null) return pause;
  const waited = Math.max(0, calendar.businessMinutesBetween(pause.since, at));
  return { since: null, minutes: pause.minutes + waited };
}
