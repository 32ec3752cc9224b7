import type { Db } from 'mongodb';
import { insertOnce } from './group-insert.ts';

/** A claimed run: `_id` the run's period number (business time / `everyMs`). */
interface RunClaim {
  _id: number;
  by: string;
  at: Date;
}

/** How often a process looks whether a run is due (real time). */
const LOOK_EVERY_MS = 60_000;

/** What a periodic run is given. */
export interface PeriodicRunOptions<T> {
  db: Pick<Db, 'collection'>;
  /** The collection of the runs' claims, one document per period. */
  claims: string;
  /** The business clock. */
  clock: { now(): Date };
  processId: string;
  /** One run per this much business time, across every process; 0: never. */
  everyMs: number;
  /** The run's work, at the instant it was claimed. */
  work: (now: Date) => Promise<T>;
  onRun: (result: T) => void;
  onError: (error: unknown) => void;
}

/**
 * Work done once per period of business time across every process (issue 17: compaction, the
 * reports' catch-up): a process looks every minute, and the one whose insert of the period's
 * number wins runs it (decision 0); the others see the duplicate and leave it. A process that
 * dies mid-run leaves the period claimed: the next period's run does it again, so the work
 * must be resumable.
 */
export class PeriodicRun<T> {
  readonly #options: PeriodicRunOptions<T>;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;

  constructor(options: PeriodicRunOptions<T>) {
    this.#options = options;
  }

  /** Looks every `lookEveryMs` whether this period's run is due and unclaimed. */
  start(lookEveryMs = LOOK_EVERY_MS): void {
    if (this.#options.everyMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      if (!this.#running) this.#running = this.runIfDue().finally(() => (this.#running = null));
    }, lookEveryMs);
    this.#timer.unref();
  }

  /** Stops looking and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /**
   * Claims this period's run and does it: what it gave, or null when another process (or an
   * earlier look of this one) claimed it, or it failed (`onError`).
   */
  async runIfDue(): Promise<T | null> {
    const { db, claims, clock, processId, everyMs, work, onRun, onError } = this.#options;
    try {
      const now = clock.now();
      const runs = db.collection<RunClaim>(claims);
      const claim = { _id: Math.floor(now.getTime() / everyMs), by: processId, at: now };
      if (!(await insertOnce(() => runs.insertOne(claim)))) return null;
      const result = await work(now);
      onRun(result);
      return result;
    } catch (error) {
      onError(error);
      return null;
    }
  }
}
