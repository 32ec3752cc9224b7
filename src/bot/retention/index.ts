/**
 * Data that does not grow without end (issue 17): conversation versions in generations,
 * conversations moved to the current one as their latest state and past generations dropped
 * whole, by hand (`npm run compact`) or on a schedule claimed by insert.
 */
export {
  compactConversations,
  DEFAULT_DROP_AFTER_MS,
  DEFAULT_PERIOD_MS,
  standingVersion,
  type CompactionOptions,
  type CompactionProgress,
  type CompactionReport,
} from './compaction.ts';
export {
  CompactionSchedule,
  DEFAULT_RETENTION,
  type RetentionReport,
  type RetentionSettings,
} from './compaction-schedule.ts';
export { sweepChannelLog, sweepKeys, type SweepOptions, type SweepReport } from './sweep.ts';
