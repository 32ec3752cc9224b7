import type { Db } from 'mongodb';
import type { Clock } from '../../domain/clock.ts';
import { PeriodicRun } from '../../storage/index.ts';
import type { VersionStore } from '../engine/store/index.ts';
import { compactConversations, type CompactionReport } from './compaction.ts';
import { sweepKeys, type SweepReport } from './sweep.ts';

/** How compaction is scheduled (configured by `ATIENDE_COMPACT_*`, README "Retention"). */
export interface RetentionSettings {
  /** A generation's length: versions stay at least this long, and about twice at most. */
  periodMs: number;
  /** One run per this much business time, in one process; 0: never on a schedule. */
  everyMs: number;
  /** Keys that guard for a while only (effects, marks, codes, logs) are kept this long. */
  keepMs: number;
}

/** The defaults: generations of 30 days, compaction once a day; keep keys 30 days. */
export const DEFAULT_RETENTION: RetentionSettings = {
  periodMs: 30 * 86_400_000,
  everyMs: 86_400_000,
  keepMs: 30 * 86_400_000,
};

/** What a run did: its compaction, and the keys it swept. */
export type RetentionReport = CompactionReport & { swept: SweepReport };

/**
 * Compaction on a schedule, in one process at a time (issue 17), then the sweep of keys that
 * have done their work (`sweepKeys`): each period's run is claimed
 * by inserting its number into `compaction_runs` (decision 0: the insert that wins runs it;
 * the others see the duplicate and leave it). A process that dies mid-run leaves the period
 * claimed: the next period's run does the rest (compaction is resumable by construction).
 */
export class CompactionSchedule {
  readonly #run: PeriodicRun<RetentionReport>;

  constructor(options: {
    db: Db;
    versions: VersionStore;
    clock: Clock;
    settings: RetentionSettings;
    processId: string;
    onRun: (report: RetentionReport) => void;
    onError: (error: unknown) => void;
  }) {
    const { db, versions, settings } = options;
    this.#run = new PeriodicRun({
      db,
      claims: 'compaction_runs',
      clock: options.clock,
      processId: options.processId,
      everyMs: settings.everyMs,
      work: async (now) => {
        const compaction = await compactConversations(versions, {
          now,
          periodMs: settings.periodMs,
        });
        const swept = await sweepKeys(db, { now, keepMs: settings.keepMs });
        return { ...compaction, swept };
      },
      onRun: options.onRun,
      onError: options.onError,
    });
  }

  /** Looks every minute whether this period's run is due and unclaimed. */
  start(lookEveryMs?: number): void {
    this.#run.start(lookEveryMs);
  }

  /** Stops looking and waits for a run in progress (compaction stops between batches never). */
  stop(): Promise<void> {
    return this.#run.stop();
  }

  /**
   * Claims this period's run and does it: the report, or null when another process (or an
   * earlier look of this one) claimed it.
   */
  runIfDue(): Promise<RetentionReport | null> {
    return this.#run.runIfDue();
  }
}
