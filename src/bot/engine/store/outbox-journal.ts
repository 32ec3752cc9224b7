import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { IdGroupInserter, numberedCollections } from '../../../storage/index.ts';

/** What a journal entry says of its ids. */
export type JournalKind = 'pending' | 'settled';

/** One journal entry: ids recorded together, by which process, when (business clock). */
export interface JournalEntry {
  _id: string;
  kind: JournalKind;
  ids: string[];
  by: string;
  at: Date;
}

/** The name prefix of the journal's collections, one per minute of real time. */
export const JOURNAL_PREFIX = 'outbox_journal_';

/** How much real time one outbox-journal collection covers. */
export const JOURNAL_BUCKET_MS = 60_000;

/**
 * A journal bucket is dropped only when it is this many buckets old: a process whose clock is
 * behind, or whose insert was delayed, may still be writing to a recent one.
 */
const JOURNAL_BUCKETS_KEPT = 3;

/** How long settled entries gather turns before they are written. */
const SETTLED_LINGER_MS = 50;

/** The collection of one journal bucket (one minute of real time). */
export function journalCollection(db: Db, bucket: number): Collection<JournalEntry> {
  return db.collection<JournalEntry>(`${JOURNAL_PREFIX}${bucket}`);
}

/** A version journaled as pending and not settled, and the journal bucket that says so. */
export interface PendingRecord {
  id: string;
  bucket: number;
}

/**
 * The outbox journal: which stored versions still have replies to send. Never deleted from: it
 * is one collection per minute of real time (`outbox_journal_<minute>`), where a group of turns
 * shares one "pending" entry (versions about to be stored with replies to send) and one
 * "settled" entry (their replies went out, or are not ours to send), and a minute all of whose
 * pending versions are settled is dropped whole once it is a few minutes old. On FerretDB v1
 * every document costs a row and its JSON and every delete a transaction that holds SQLite's
 * only writer; a collection drop is one statement. Only recovery reads the journal.
 */
export class OutboxJournal {
  readonly #db: Db;
  readonly #by: string;
  readonly #now: () => Date;
  readonly #realNow: () => number;
  /** One group inserter per bucket and kind, created as buckets come. */
  readonly #pending = new Map<number, IdGroupInserter<JournalEntry>>();
  readonly #settled = new Map<number, IdGroupInserter<JournalEntry>>();
  /** Round trips of the inserters of buckets already dropped. */
  #retiredRoundTrips = 0;
  /** Version id → the journal bucket of its pending entry, until it is settled. */
  readonly #bucketOf = new Map<string, number>();

  /**
   * `by` names this process in its entries; `now` is the business clock (stamps); `realNow` the
   * real time that buckets follow, as recovery's grace does (a simulated clock may stand still
   * or race).
   */
  constructor(db: Db, by: string, now: () => Date, realNow: () => number = Date.now) {
    this.#db = db;
    this.#by = by;
    this.#now = now;
    this.#realNow = realNow;
  }

  /** The journal bucket of this moment. */
  bucketNow(): number {
    return Math.floor(this.#realNow() / JOURNAL_BUCKET_MS);
  }

  /** Database round trips made by the journal's inserts (benchmark and metrics). */
  get roundTrips(): number {
    let sum = this.#retiredRoundTrips;
    for (const inserter of this.#pending.values()) sum += inserter.roundTrips;
    for (const inserter of this.#settled.values()) sum += inserter.roundTrips;
    return sum;
  }

  /**
   * Journals a version as pending in this minute's bucket, in a group with the versions of the
   * same tick: resolves once the entry is durable. When it fails, `abandon` the version.
   */
  pending(versionId: string): Promise<void> {
    const bucket = this.bucketNow();
    this.#bucketOf.set(versionId, bucket);
    return this.recordPending(versionId, bucket);
  }

  /** Forgets a version whose pending entry could not be written: it will not be stored. */
  abandon(versionId: string): void {
    this.#bucketOf.delete(versionId);
  }

  /** Journals a version as pending in a given bucket (migrations). */
  recordPending(versionId: string, bucket: number): Promise<void> {
    return this.#inserter(this.#pending, 'pending', bucket, 0).record(versionId);
  }

  /**
   * Records that a version's outbox is settled: delivered, or not to be delivered. Journaled at
   * once (in a group) in the bucket of its pending entry. Settled entries are off the turn's
   * path: they wait 50 ms to gather more turns (at low load a group would be one turn), at the
   * price of a crash resending up to 50 ms of replies, which channels drop by `deliveryId`.
   */
  async settle(versionId: string): Promise<void> {
    const bucket = this.#bucketOf.get(versionId) ?? this.bucketNow();
    this.#bucketOf.delete(versionId);
    await this.#inserter(this.#settled, 'settled', bucket, SETTLED_LINGER_MS).record(versionId);
  }

  /**
   * Writes the entries gathering now (the settled ones linger 50 ms) and resolves once they are
   * durable: a clean stop calls it before the database closes (issue 17), so that a reply
   * delivered just before a stop is not journaled as still pending and resent after a restart.
   */
  async flush(): Promise<void> {
    const inserters = [...this.#pending.values(), ...this.#settled.values()];
    await Promise.all(inserters.map((inserter) => inserter.flush()));
  }

  /** Remembers the bucket of a record found by recovery: settling it later settles it there. */
  track(record: PendingRecord): void {
    this.#bucketOf.set(record.id, record.bucket);
  }

  /** Versions whose outbox is journaled as pending and not settled, in every bucket. */
  async pendingRecords(): Promise<PendingRecord[]> {
    const records: PendingRecord[] = [];
    for (const bucket of await this.#buckets()) {
      for (const id of await this.#unsettledIn(bucket)) records.push({ id, bucket });
    }
    return records;
  }

  /**
   * Drops the buckets that are old enough and whose every pending version is settled. Returns
   * how many went.
   */
  async dropSettledBuckets(): Promise<number> {
    const newest = this.bucketNow() - JOURNAL_BUCKETS_KEPT;
    let dropped = 0;
    for (const bucket of await this.#buckets()) {
      if (bucket > newest) break;
      if ((await this.#unsettledIn(bucket)).length > 0) continue;
      await journalCollection(this.#db, bucket)
        .drop()
        .catch(() => undefined); // another process dropped it first
      dropped++;
    }
    this.#retire(this.#pending, newest);
    this.#retire(this.#settled, newest);
    return dropped;
  }

  #inserter(
    inserters: Map<number, IdGroupInserter<JournalEntry>>,
    kind: JournalKind,
    bucket: number,
    lingerMs: number,
  ): IdGroupInserter<JournalEntry> {
    let inserter = inserters.get(bucket);
    if (!inserter) {
      inserter = new IdGroupInserter(
        journalCollection(this.#db, bucket),
        (ids) => ({ _id: randomUUID(), kind, ids, by: this.#by, at: this.#now() }),
        { lingerMs },
      );
      inserters.set(bucket, inserter);
    }
    return inserter;
  }

  /** Forgets the inserters of buckets this old (a late write to one makes a new inserter). */
  #retire(inserters: Map<number, IdGroupInserter<JournalEntry>>, newest: number): void {
    for (const [bucket, inserter] of inserters) {
      if (bucket > newest) continue;
      this.#retiredRoundTrips += inserter.roundTrips;
      inserters.delete(bucket);
    }
  }

  /** The journal's buckets, oldest first. */
  #buckets(): Promise<number[]> {
    return numberedCollections(this.#db, JOURNAL_PREFIX);
  }

  /** A bucket's versions journaled as pending and not settled. */
  async #unsettledIn(bucket: number): Promise<string[]> {
    const entries = await journalCollection(this.#db, bucket).find({}).toArray();
    const settled = new Set(entries.filter((e) => e.kind === 'settled').flatMap((e) => e.ids));
    return entries
      .filter((e) => e.kind === 'pending')
      .flatMap((e) => e.ids)
      .filter((id) => !settled.has(id));
  }
}
