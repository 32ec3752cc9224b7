/** Supervisor reports from per-day summaries written as cases change (issue 16). */
export { CaseTally, SLA_CLOCKS, dayOf, solutionDueOf, type SlaClock } from './case-tally.ts';
export { DailyTally } from './daily-tally.ts';
export type { Counts, ReportDay } from './tally-documents.ts';
export {
  MAX_REPORT_DAYS,
  buildReport,
  reportPeriod,
  supervisorReport,
  type SupervisorReport,
} from './supervisor-report.ts';
export {
  CATCH_UP_EVERY_MS,
  TallyCatchUpSchedule,
  type CatchUpRun,
} from './tally-catch-up-schedule.ts';
