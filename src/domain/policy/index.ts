/**
 * The policy engine: pure functions over a validated PolicyConfig and instants passed in.
 * Rule IDs refer to docs/POLICY.md.
 */
export { ANNOUNCEMENT_KINDS, policySchema } from './config.ts';
export {
  CHAT_LIMIT_MINUTES,
  DEFAULT_POLICY,
  FOLLOW_UP_WAIT_MINUTES,
  FREE_RESCHEDULE_NOTICE_BUSINESS_MINUTES,
  P1_FIRST_CONTACT_MINUTES,
  VISIT_TOLERANCE_MINUTES,
} from './default-policy.ts';
export { parsePolicy } from './parse-policy.ts';
export type {
  Announcement,
  AnnouncementKind,
  HolidayOverride,
  OfficeHours,
  OfficeWindow,
  PolicyConfig,
  SlaTarget,
} from './config.ts';
export { holidayName, isHoliday } from './holidays.ts';
export { officeHoursNow } from './office-hours.ts';
export type { ClosedReason, OfficeHoursNow } from './office-hours.ts';
export type { HolidayAnswer } from './holidays.ts';
export { createBusinessCalendar } from './calendar.ts';
export { calendarFor } from './calendar-cache.ts';
export type { BusinessCalendar, BusinessInterval } from './calendar.ts';
export {
  FAIR_USE_PRIORITIES,
  PRIORITIES,
  PRIORITY_CLASSES,
  SEVERITIES,
  URGENCIES,
} from './priority-scales.ts';
export type {
  FairUsePriority,
  Priority,
  PriorityClass,
  Severity,
  Urgency,
} from './priority-scales.ts';
export {
  comparePriority,
  priorityFromClass,
  priorityFromFairUse,
  priorityFromSeverityUrgency,
  raisePriority,
} from './priority.ts';
export {
  NO_PAUSE,
  SLA_GOALS,
  pausedSolutionDue,
  resumedPause,
  slaBudgets,
  slaDueAfterPauses,
  slaDueTimes,
  slaWarningAt,
} from './sla.ts';
export type { SlaDueTimes, SlaGoal, SlaPause } from './sla.ts';
export {
  abuseOutcome,
  chatLimitDue,
  chatLimitReached,
  followUpAllowed,
  suspendedUntil,
} from './fair-use.ts';
export type { FollowUpAnswer } from './fair-use.ts';
export {
  FREE_RESCHEDULE_REASONS,
  customerLate,
  grantsExtraFreeReschedule,
  rescheduleCost,
  rescheduleTerms,
  serviceMinutes,
  visitSlots,
} from './visits.ts';
export type { FreeRescheduleReason, RescheduleBecause, RescheduleTerms } from './visits.ts';
export { VISIT_REMINDER_BUSINESS_DAYS, visitReminderAt } from './visit-reminder.ts';
