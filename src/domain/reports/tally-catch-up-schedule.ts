/**
 * Issue 17: the report counts of a killed process are caught up while the others run, not only
 * when a process starts. Each period of business time, one process catches up (claimed by
 * inserting the period's number, as the compaction's schedule does: decision 0, the insert that
 * wins runs it). A process that dies mid-run leaves the period claimed; the next period's run
 * does it all again (the catch-up is idempotent and marks nothing done).
 */
import type { Clock } from '../clock.ts';
import { PeriodicRun } from '../../storage/index.ts';
import type { DailyTally } from './daily-tally.ts';

/**
 * One run per this much business time, across every process: a killed process's counts appear
 * in reports within this (plus a look, `LOOK_EVERY_MS`), or at the next start of any process.
 * Each run is one scan of the claims (`report_counted`) in the database server, which returns
 * only the claims written nowhere yet: on the embedded database ~0.1 ms per claim stored on a
 * loaded 2-core host (`bench/results/2026-11-29-reports-catch-up-20k.json`: 10.9 s for 103,064
 * claims), so ~50 s an hour in one process for a year of 100,000 cases (~515,000 claims).
 */
export const CATCH_UP_EVERY_MS = 60 * 60_000;

/** What a run did: how many claims it caught up, in how many milliseconds. */
export interface CatchUpRun {
  caught: number;
  ms: number;
}

/** The periodic catch-up of report counts, in one process at a time (issue 17). */
export class TallyCatchUpSchedule {
  readonly #run: PeriodicRun<CatchUpRun>;

  constructor(options: {
    tally: DailyTally;
    clock: Clock;
    processId: string;
    everyMs?: number;
    onRun?: (run: CatchUpRun) => void;
    onError?: (error: unknown) => void;
  }) {
    const { tally } = options;
    this.#run = new PeriodicRun({
      db: tally.shards.db,
      claims: 'report_catch_up_runs',
      clock: options.clock,
      processId: options.processId,
      everyMs: options.everyMs ?? CATCH_UP_EVERY_MS,
      work: async () => {
        const began = performance.now();
        const caught = await tally.catchUp();
        return { caught, ms: Math.round(performance.now() - began) };
      },
      onRun: options.onRun ?? (() => undefined),
      onError: options.onError ?? (() => undefined),
    });
  }

  /** Looks every minute whether this period's run is due and unclaimed. */
  start(lookEveryMs?: number): void {
    this.#run.start(lookEveryMs);
  }

  /** Stops looking and waits for a run in progress. */
  stop(): Promise<void> {
    return this.#run.stop();
  }

  /**
   * Claims this period's run and does it: what it did, or null when another process (or an
   * earlier look of this one) claimed it, or it failed (`onError`).
   */
  runIfDue(): Promise<CatchUpRun | null> {
    return this.#run.runIfDue();
  }
}
