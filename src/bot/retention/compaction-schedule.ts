import type { Db } from 'mongodb';
import type { Clock } from '../../domain/clock.ts';
import { insertOnce } from '../../storage/index.ts';
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

/** How often a process looks whether a run is due (real time). */
const LOOK_EVERY_MS = 60_000;

/** A claimed run: `_id` the run's period number (business time / `everyMs`). */
interface RunClaim {
  _id: number;
  by: string;
  at: Date;
}

/**
 * Compaction on a schedule, in one process at a time (issue 17), then the sweep of keys that
 * have done their work (`sweepKeys`): each period's run is claimed
 * by inserting its number into `compaction_runs` (decision 0: the insert that wins runs it;
 * the others see the duplicate and leave it). A process that dies mid-run leaves the period
 * claimed: the next period's run does the rest (compaction is resumable by construction).
 */
export class CompactionSchedule {
  readonly #db: Db;
  readonly #versions: VersionStore;
  readonly #clock: Clock;
  readonly #settings: RetentionSettings;
  readonly #processId: string;
  readonly #onRun: (report: RetentionReport) => void;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;

  constructor(options: {
    db: Db;
    versions: VersionStore;
    clock: Clock;
    settings: RetentionSettings;
    processId: string;
    onRun: (report: RetentionReport) => void;
    onError: (error: unknown) => void;
  }) {
    this.#db = options.db;
    this.#versions = options.versions;
    this.#clock = options.clock;
    this.#settings = options.settings;
    this.#processId = options.processId;
    this.#onRun = options.onRun;
    this.#onError = options.onError;
  }

  /** Looks every minute whether this period's run is due and unclaimed. */
  start(lookEveryMs = LOOK_EVERY_MS): void {
    if (this.#settings.everyMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      if (!this.#running) this.#running = this.runIfDue().finally(() => (this.#running = null));
    }, lookEveryMs);
    this.#timer.unref();
  }

  /** Stops looking and waits for a run in progress (compaction stops between batches never). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /**
   * Claims this period's run and does it: the report, or null when another process (or an
   * earlier look of this one) claimed it.
   */
  async runIfDue(): Promise<RetentionReport | null> {
    try {
      const now = this.#clock.now();
      const period = Math.floor(now.getTime() / this.#settings.everyMs);
      const runs = this.#db.collection<RunClaim>('compaction_runs');
      const claim = { _id: period, by: this.#processId, at: now };
      if (!(await insertOnce(() => runs.insertOne(claim)))) return null;
      const compaction = await compactConversations(this.#versions, {
        now,
        periodMs: this.#settings.periodMs,
      });
      const swept = await sweepKeys(this.#db, { now, keepMs: this.#settings.keepMs });
      const report = { ...compaction, swept };
      this.#onRun(report);
      return report;
    } catch (error) {
      this.#onError(error);
      return null;
    }
  }
}
