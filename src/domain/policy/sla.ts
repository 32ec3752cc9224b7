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
