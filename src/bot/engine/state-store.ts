import type { Collection, Db } from 'mongodb';
import { GroupInserter, insertOnce, type InsertOutcome } from '../../domain/group-insert.ts';
import { IdJournal, JOURNAL_PREFIX, journalCollection } from './id-journal.ts';
import { numberedCollections } from './numbered-collections.ts';
import type { ConversationState, Deadline } from './state.ts';
import { decodeState, encodeState, type StoredState } from './state-codec.ts';

/** A durable deadline (decision 2): a conversation's (chat limit) or a case's (SLA watch). */
export type TimerDocument = ConversationTimer | CaseTimer;
export interface ConversationTimer {
  _id: string;
  kind: Deadline['kind'];
  conversationId: string;
  dueAt: Date;
}
/**
 * A case's SLA deadline: its first-contact time (R002-5), or its response time, after which
 * level 1 hands it to level 2 (R003-8).
 */
export interface CaseTimer {
  _id: string;
  kind: 'caseFirstContact' | 'caseResponse';
  caseNumber: string;
  dueAt: Date;
}

/** How much real time one outbox-journal collection covers. */
export const JOURNAL_BUCKET_MS = 60_000;
/**
 * A journal bucket is dropped only when it is this many buckets old: a process whose clock is
 * behind, or whose insert was delayed, may still be writing to a recent one.
 */
const JOURNAL_BUCKETS_KEPT = 3;

/** The name prefix of the timer collections, one per business-clock hour of due time. */
const TIMERS_PREFIX = 'timers_due_';
const TIMER_HOUR_MS = 3_600_000;
/** The name prefix of the claims on timers, one collection per hour of due time. */
const CLAIMS_PREFIX = 'timer_claims_due_';

/** A process's claim on a due timer (decision 2): the first insert wins. */
export interface TimerClaim {
  _id: string;
  at: Date;
  by: string;
}

function dueHourOf(at: Date): number {
  return Math.floor(at.getTime() / TIMER_HOUR_MS);
}

/** How long settled entries gather turns before they are written. */
const SETTLED_LINGER_MS = 50;

/** A version journaled as pending and not settled, and the journal bucket that says so. */
export interface PendingRecord {
  id: string;
  bucket: number;
}

/**
 * The engine's durable state, every guarantee of it written by insert (decision 0).
 *
 * Designed for what FerretDB v1 measures here: a read or delete by `_id` is an index lookup
 * (with the read index our embedded server adds), any other read scans the whole collection
 * and decodes every document, every document written costs a row and its JSON, and every
 * delete a transaction that holds SQLite's only writer. So the message path reads only by
 * `_id`, state versions are append-only, the latest version after a cache miss is found by
 * probing `_id`s — and the outbox journal is never deleted from: it is one collection per
 * minute of real time (`outbox_journal_<minute>`), where a group of turns shares one "pending"
 * entry (versions about to be stored with replies to send) and one "settled" entry (their
 * replies went out, or are not ours to send), and a minute all of whose pending versions are
 * settled is dropped whole once it is a few minutes old. Only recovery reads the journal.
 */
export class StateStore {
  readonly states: Collection<StoredState>;
  /** One tiny document per conversation ever seen: tells a new conversation without a scan. */
  readonly heads: Collection<{ _id: string; createdAt: Date }>;
  readonly #db: Db;
  readonly #realNow: () => number;
  readonly #stateInserts: GroupInserter;
  /** Timer inserts, one group inserter per due-hour collection. */
  readonly #timerInserts = new Map<number, GroupInserter>();
  readonly #headInserts: GroupInserter;
  readonly #pendingJournal: IdJournal;
  readonly #settledJournal: IdJournal;
  /** Version id → the journal bucket of its pending entry, until it is settled. */
  readonly #bucketOf = new Map<string, number>();
  #cancelled: { id: string; dueAt: Date }[] = [];

  /**
   * `now` is the business clock (stamps); `realNow` the real time that journal buckets follow,
   * as recovery's grace does (a simulated clock may stand still or race).
   */
  constructor(db: Db, by: string, now: () => Date, realNow: () => number = Date.now) {
    this.#db = db;
    this.#realNow = realNow;
    this.states = db.collection<StoredState>('conversation_states');
    this.heads = db.collection('conversation_heads');
    this.#stateInserts = new GroupInserter(this.states as unknown as Collection);
    this.#headInserts = new GroupInserter(this.heads as unknown as Collection);
    this.#pendingJournal = new IdJournal(db, 'pending', by, now);
    // Settled entries are off the turn's path: they wait 50 ms to gather more turns (at low
    // load a group would be one turn), at the price of a crash resending up to 50 ms of
    // replies, which channels drop by `deliveryId`.
    this.#settledJournal = new IdJournal(db, 'settled', by, now, SETTLED_LINGER_MS);
  }

  /** The journal bucket of this moment. */
  bucketNow(): number {
    return Math.floor(this.#realNow() / JOURNAL_BUCKET_MS);
  }

  /** Database round trips made by the message path's inserts (benchmark and metrics). */
  get roundTrips(): number {
    return (
      this.#stateInserts.roundTrips +
      [...this.#timerInserts.values()].reduce((sum, i) => sum + i.roundTrips, 0) +
      this.#headInserts.roundTrips +
      this.#pendingJournal.roundTrips +
      this.#settledJournal.roundTrips
    );
  }

  async init(): Promise<void> {
    await this.states.createIndex({ answers: 1 }, { unique: true, name: 'answers_unique' });
    await this.#migrateLegacyCollections();
  }

  /**
   * Data written before 2026-11-25 kept every timer in `timers` (and its claims in
   * `timer_claims`) and one pending record per
   * version in `pending_deliveries` (with `delivered_marks`): their timers move to the hour
   * collections, and their undelivered versions to this minute's journal, before they are
   * dropped. Safe when several processes start at once (inserts are idempotent by `_id`).
   */
  async #migrateLegacyCollections(): Promise<void> {
    const names = new Set(
      (await this.#db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
    );
    if (names.has('timers')) {
      const legacy = this.#db.collection<TimerDocument>('timers');
      for (const timer of await legacy.find({}).toArray()) await this.scheduleTimer(timer);
      await legacy.drop().catch(() => undefined);
    }
    // Claims only matter while their timer is being fired; the timers above are claimable anew
    // (a second firing is ignored by the engine and the case watch).
    if (names.has('timer_claims')) {
      await this.#db
        .collection('timer_claims')
        .drop()
        .catch(() => undefined);
    }
    if (names.has('pending_deliveries')) {
      // One document per version, its `_id` the version's.
      const pending = this.#db.collection<{ _id: string }>('pending_deliveries');
      const marks = this.#db.collection<{ _id: string }>('delivered_marks');
      const delivered = new Set((await marks.find({}).toArray()).map((m) => m._id));
      const bucket = this.bucketNow();
      for (const { _id } of await pending.find({}).toArray()) {
        if (!delivered.has(_id)) await this.#pendingJournal.record(_id, bucket);
      }
      await pending.drop().catch(() => undefined);
      await marks.drop().catch(() => undefined);
    }
  }

  /**
   * Registers a conversation when a process meets it without a copy in memory: true when it
   * is new everywhere (nothing to read), false when it exists (read its latest version).
   */
  async isNewConversation(conversationId: string, at: Date): Promise<boolean> {
    return (await this.#headInserts.insert({ _id: conversationId, createdAt: at })) === 'inserted';
  }

  async #versionExists(conversationId: string, version: number): Promise<boolean> {
    const found = await this.states.findOne(
      { _id: `${conversationId}:${version}` },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  /**
   * The latest version of a conversation, or null for a new one: versions are numbered 1, 2, 3…
   * without gaps, so an exponential then binary search over `_id` finds the last one in about
   * 2·log₂(n) point reads (`atLeast`: a version known to exist, to start from).
   */
  async latest(conversationId: string, atLeast = 0): Promise<ConversationState | null> {
    let low = atLeast; // exists (or 0)
    if (low === 0 && !(await this.#versionExists(conversationId, 1))) return null;
    if (low === 0) low = 1;
    let step = 1;
    let high = low + step; // first candidate above
    while (await this.#versionExists(conversationId, high)) {
      low = high;
      step *= 2;
      high = low + step;
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await this.#versionExists(conversationId, mid)) low = mid;
      else high = mid;
    }
    return this.#version(conversationId, low);
  }

  /**
   * A stored version with its whole transcript: a document holds only the lines its turn added
   * after the `transcriptKept` it shares with the version before, so the versions back to the
   * nearest whole copy (at most TRANSCRIPT_CHECKPOINT_EVERY) are read and joined.
   */
  async #version(conversationId: string, version: number): Promise<ConversationState | null> {
    const read = async (v: number) => {
      const doc = await this.states.findOne({ _id: `${conversationId}:${v}` });
      return doc ? decodeState(doc) : null;
    };
    const latest = await read(version);
    if (!latest) return null;
    const chain = [latest];
    for (let oldest = latest; oldest.transcriptKept > 0;) {
      const before = await read(oldest.version - 1);
      if (!before) throw new Error(`${conversationId}: version ${oldest.version - 1} is missing`);
      chain.push(before);
      oldest = before;
    }
    let transcript = chain[chain.length - 1]!.transcript;
    for (let i = chain.length - 2; i >= 0; i--) {
      transcript = [...transcript.slice(0, chain[i]!.transcriptKept), ...chain[i]!.transcript];
    }
    return { ...latest, transcript };
  }

  /**
   * Stores a new version. A version with replies to send is journaled as pending first: a
   * process killed between the two leaves an entry without a state (settled by recovery),
   * never an unsent outbox that nobody knows of. A version that lost the race to another
   * process is settled at once: its replies are not this process's to send.
   */
  async insertState(state: ConversationState): Promise<InsertOutcome> {
    if (state.pendingOutbox) {
      const bucket = this.bucketNow();
      this.#bucketOf.set(state._id, bucket);
      try {
        await this.#pendingJournal.record(state._id, bucket);
      } catch (error) {
        this.#bucketOf.delete(state._id);
        throw error;
      }
    }
    const outcome = await this.#stateInserts.insert(encodeState(state));
    if (outcome === 'duplicate' && state.pendingOutbox) void this.settle(state._id);
    return outcome;
  }

  /**
   * Records that a version's outbox is settled: delivered, or not to be delivered. Journaled at
   * once (in a group) in the bucket of its pending entry. A crash can resend only replies whose
   * settled entry was still in flight.
   */
  async settle(stateId: string): Promise<void> {
    const bucket = this.#bucketOf.get(stateId) ?? this.bucketNow();
    this.#bucketOf.delete(stateId);
    await this.#settledJournal.record(stateId, bucket);
  }

  /** The collection of the timers due in a business-clock hour. */
  #timersDueIn(hour: number): Collection<TimerDocument> {
    return this.#db.collection<TimerDocument>(`${TIMERS_PREFIX}${hour}`);
  }

  /** The collection that holds (or will hold) a timer due at `dueAt`. */
  timersFor(dueAt: Date): Collection<TimerDocument> {
    return this.#timersDueIn(dueHourOf(dueAt));
  }

  /** The hours that have timer collections, earliest first. */
  #timerHours(): Promise<number[]> {
    return numberedCollections(this.#db, TIMERS_PREFIX);
  }

  scheduleTimer(timer: TimerDocument): Promise<InsertOutcome> {
    const hour = dueHourOf(timer.dueAt);
    let inserter = this.#timerInserts.get(hour);
    if (!inserter) {
      inserter = new GroupInserter(this.#timersDueIn(hour) as unknown as Collection);
      this.#timerInserts.set(hour, inserter);
    }
    return inserter.insert(timer);
  }

  /**
   * Queues timers whose deadline was dropped (the session closed) for deletion with the next
   * flush: a timer that fires first is ignored anyway.
   */
  cancelTimers(timers: { id: string; dueAt: Date }[]): void {
    this.#cancelled.push(...timers);
  }

  /**
   * Timers due at `now`: only the collections of hours up to now's are read, so the scheduler's
   * poll costs the timers of the hour, not every deadline of every open case.
   */
  async dueTimers(now: Date, limit = 500): Promise<TimerDocument[]> {
    const due: TimerDocument[] = [];
    const current = dueHourOf(now);
    for (const hour of await this.#timerHours()) {
      if (hour > current || due.length >= limit) break;
      due.push(
        ...(await this.#timersDueIn(hour)
          .find({ dueAt: { $lte: now } })
          .limit(limit - due.length)
          .toArray()),
      );
    }
    return due;
  }

  /** A timer by id and due time (tests, tools). */
  async timer(id: string, dueAt: Date): Promise<TimerDocument | null> {
    return this.timersFor(dueAt).findOne({ _id: id });
  }

  /** Every pending timer of a conversation (tests, tools: reads every hour's collection). */
  async timersOf(conversationId: string): Promise<TimerDocument[]> {
    const found: TimerDocument[] = [];
    for (const hour of await this.#timerHours()) {
      found.push(...(await this.#timersDueIn(hour).find({ conversationId }).toArray()));
    }
    return found;
  }

  /** The claims on the timers due in an hour. */
  #claimsIn(hour: number): Collection<TimerClaim> {
    return this.#db.collection<TimerClaim>(`${CLAIMS_PREFIX}${hour}`);
  }

  /** Claims a due timer for this process; false when another process claimed it first. */
  async claimTimer(timer: TimerDocument, by: string, at: Date): Promise<boolean> {
    const claims = this.#claimsIn(dueHourOf(timer.dueAt));
    return insertOnce(() => claims.insertOne({ _id: timer._id, at, by }));
  }

  async timerClaim(timer: TimerDocument): Promise<TimerClaim | null> {
    return this.#claimsIn(dueHourOf(timer.dueAt)).findOne({ _id: timer._id });
  }

  async finishTimer(timer: { _id: string; dueAt: Date }): Promise<void> {
    // The claim stays: a process that read the timer before this delete must not claim it again.
    await this.timersFor(timer.dueAt).deleteOne({ _id: timer._id });
  }

  /** The journal's buckets, oldest first. */
  #journalBuckets(): Promise<number[]> {
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

  /** Versions whose outbox is journaled as pending and not settled, in every bucket. */
  async pendingRecords(): Promise<PendingRecord[]> {
    const records: PendingRecord[] = [];
    for (const bucket of await this.#journalBuckets()) {
      for (const id of await this.#unsettledIn(bucket)) records.push({ id, bucket });
    }
    return records;
  }

  /**
   * The stored versions of these records, oldest first, for their outboxes (their transcripts
   * are not joined: see `latest`); settling one of them later settles it in its bucket. A
   * pending version that never got stored (its process died between the two inserts) is
   * settled, as there is nothing to send.
   */
  async statesOf(records: PendingRecord[]): Promise<ConversationState[]> {
    const states: ConversationState[] = [];
    for (const { id, bucket } of records) {
      this.#bucketOf.set(id, bucket);
      const doc = await this.states.findOne({ _id: id });
      if (doc) states.push(decodeState(doc));
      else await this.settle(id);
    }
    return states.sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.version - b.version,
    );
  }

  /**
   * Deletes cancelled timers by `_id`, drops the collections of past hours left without timers,
   * and drops the journal buckets that are old enough and whose every pending version is
   * settled. Returns how many journal buckets went.
   */
  async flush(now: Date): Promise<number> {
    const cancelled = this.#cancelled.splice(0);
    const byHour = new Map<number, string[]>();
    for (const { id, dueAt } of cancelled) {
      const hour = dueHourOf(dueAt);
      const ids = byHour.get(hour);
      if (ids) ids.push(id);
      else byHour.set(hour, [id]);
    }
    for (const [hour, ids] of byHour) await deleteByIds(this.#timersDueIn(hour), ids);
    const timerHours = await this.#timerHours();
    for (const hour of timerHours) {
      if (hour >= dueHourOf(now)) break;
      if ((await this.#timersDueIn(hour).countDocuments()) > 0) continue;
      await this.#timersDueIn(hour)
        .drop()
        .catch(() => undefined);
      this.#timerInserts.delete(hour);
    }
    // An hour's claims go when its timers are all finished and the hour is over by an hour: a
    // process that read a timer just before it was finished still finds the claim (and a
    // second firing after that would be ignored by the engine and the case watch anyway).
    const withTimers = new Set(await this.#timerHours());
    for (const hour of await numberedCollections(this.#db, CLAIMS_PREFIX)) {
      if (hour >= dueHourOf(now) - 1) break;
      if (withTimers.has(hour)) continue;
      await this.#claimsIn(hour)
        .drop()
        .catch(() => undefined);
    }
    const newest = this.bucketNow() - JOURNAL_BUCKETS_KEPT;
    let dropped = 0;
    for (const bucket of await this.#journalBuckets()) {
      if (bucket > newest) break;
      if ((await this.#unsettledIn(bucket)).length > 0) continue;
      await journalCollection(this.#db, bucket)
        .drop()
        .catch(() => undefined); // another process dropped it first
      dropped++;
    }
    return dropped;
  }
}

/**
 * Deletes documents by `_id`, one statement each in one command: FerretDB pushes an `_id`
 * equality down to an index lookup, while `{ _id: { $in } }` compares every document of the
 * collection with every id.
 */
async function deleteByIds(collection: Collection<TimerDocument>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await (collection as unknown as Collection<{ _id: string }>).bulkWrite(
    ids.map((id) => ({ deleteOne: { filter: { _id: id } } })),
    { ordered: false },
  );
}
