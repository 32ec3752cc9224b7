/**
 * Data that does not grow without end (issue 17): idle conversations compacted to their latest
 * state, by hand (`npm run compact`) or on a schedule claimed by insert.
 */
export {
  compactConversations,
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
