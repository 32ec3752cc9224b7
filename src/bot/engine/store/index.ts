import type { Db } from 'mongodb';
import { migrateLegacyCollections } from '../migrations/2026-11-25-legacy-collections.ts';
import { OutboxJournal } from './outbox-journal.ts';
import { TimerStore } from './timer-store.ts';
import { VersionStore } from './version-store.ts';

export {
  JOURNAL_BUCKET_MS,
  JOURNAL_PREFIX,
  OutboxJournal,
  journalCollection,
  type JournalEntry,
  type PendingRecord,
} from './outbox-journal.ts';
export {
  TimerStore,
  type CaseTimer,
  type ConversationTimer,
  type TimerClaim,
  type TimerDocument,
} from './timer-store.ts';
export { VersionStore } from './version-store.ts';

/**
 * The engine's durable state, every guarantee of it written by insert (decision 0): the
 * conversations' versions, the outbox journal of replies still to send, and the durable timers.
 * Each keeps to what FerretDB v1 does fast: inserts (grouped), reads by `_id`, collection drops.
 */
export class EngineStores {
  readonly journal: OutboxJournal;
  readonly versions: VersionStore;
  readonly timers: TimerStore;
  readonly #db: Db;

  /**
   * `processId` names this process in the journal; `now` is the business clock (stamps);
   * `realNow` the real time that journal buckets follow.
   */
  constructor(db: Db, processId: string, now: () => Date, realNow: () => number = Date.now) {
    this.#db = db;
    this.journal = new OutboxJournal(db, processId, now, realNow);
    this.versions = new VersionStore(db, this.journal, realNow);
    this.timers = new TimerStore(db);
  }

  /** Database round trips made by the message path's inserts (benchmark and metrics). */
  get roundTrips(): number {
    return this.versions.roundTrips + this.timers.roundTrips + this.journal.roundTrips;
  }

  /** Creates the indexes and moves data stored in older layouts. */
  async init(): Promise<void> {
    await this.versions.init();
    await migrateLegacyCollections(this.#db, this);
  }

  /**
   * Housekeeping: deletes cancelled timers, drops empty past hours of timers and their claims,
   * and drops the old journal buckets whose every pending version is settled. Returns how many
   * journal buckets went.
   */
  async tidy(now: Date): Promise<number> {
    await this.timers.tidy(now);
    return this.journal.dropSettledBuckets();
  }
}
