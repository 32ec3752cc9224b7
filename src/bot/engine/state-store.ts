import type { Collection, Db } from 'mongodb';
import { GroupInserter, insertOnce, type InsertOutcome } from '../../domain/group-insert.ts';
import type { ConversationState, Deadline } from './state.ts';
import { decodeState, encodeState, type StoredState } from './state-codec.ts';

/** An outbox not yet known to be delivered: inserted before its state, deleted once sent. */
interface PendingDelivery {
  _id: string;
  conversationId: string;
  createdAt: Date;
}

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

/**
 * The engine's durable state, every guarantee of it written by insert (decision 0).
 *
 * Designed for what FerretDB v1 measures here: a read by `_id` costs ~2 ms whatever the
 * collection's size, while a read by any other field, a sort or a delete scans the whole
 * collection (~0.5 s at 5,000 documents) and holds SQLite's single writer meanwhile. So the
 * message path reads only by `_id`: state versions are append-only and never scanned; the
 * latest version after a cache miss is found by probing `_id`s; and the only collections that
 * are scanned or deleted from — pending deliveries and timers — stay as small as the work in
 * flight.
 */
export class StateStore {
  readonly states: Collection<StoredState>;
  readonly pending: Collection<PendingDelivery>;
  readonly marks: Collection<{ _id: string }>;
  readonly timers: Collection<TimerDocument>;
  readonly timerClaims: Collection<{ _id: string; at: Date; by: string }>;
  /** One tiny document per conversation ever seen: tells a new conversation without a scan. */
  readonly heads: Collection<{ _id: string; createdAt: Date }>;
  readonly #stateInserts: GroupInserter;
  readonly #pendingInserts: GroupInserter;
  readonly #timerInserts: GroupInserter;
  readonly #headInserts: GroupInserter;
  readonly #markInserts: GroupInserter;
  #delivered: string[] = [];
  #cancelled: string[] = [];

  constructor(db: Db) {
    this.states = db.collection<StoredState>('conversation_states');
    this.pending = db.collection<PendingDelivery>('pending_deliveries');
    this.marks = db.collection('delivered_marks');
    this.timers = db.collection<TimerDocument>('timers');
    this.timerClaims = db.collection('timer_claims');
    this.heads = db.collection('conversation_heads');
    this.#stateInserts = new GroupInserter(this.states as unknown as Collection);
    this.#pendingInserts = new GroupInserter(this.pending as unknown as Collection);
    this.#timerInserts = new GroupInserter(this.timers as unknown as Collection);
    this.#headInserts = new GroupInserter(this.heads as unknown as Collection);
    this.#markInserts = new GroupInserter(this.marks as unknown as Collection);
  }

  /** Database round trips made by the message path's inserts (benchmark and metrics). */
  get roundTrips(): number {
    return (
      this.#stateInserts.roundTrips +
      this.#pendingInserts.roundTrips +
      this.#timerInserts.roundTrips +
      this.#headInserts.roundTrips +
      this.#markInserts.roundTrips
    );
  }

  async init(): Promise<void> {
    await this.states.createIndex({ answers: 1 }, { unique: true, name: 'answers_unique' });
    await this.timers.createIndex({ dueAt: 1 }, { name: 'due' });
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
    const doc = await this.states.findOne({ _id: `${conversationId}:${low}` });
    return doc ? decodeState(doc) : null;
  }

  /**
   * Stores a new version. Its pending-delivery record goes first: a process killed between the
   * two leaves a record without a state (dropped by the sweep), never an unsent outbox that
   * nobody knows of.
   */
  async insertState(state: ConversationState): Promise<InsertOutcome> {
    if (state.pendingOutbox) {
      await this.#pendingInserts.insert({
        _id: state._id,
        conversationId: state.conversationId,
        createdAt: state.createdAt,
      });
    }
    return this.#stateInserts.insert(encodeState(state));
  }

  /**
   * Records that a version's outbox was delivered: a mark is inserted at once (group commit; an
   * insert is what FerretDB v1 does fast), and the pending record and its mark are deleted later
   * in one batch. A crash can resend only replies whose mark was still in flight.
   */
  async markDelivered(stateId: string): Promise<void> {
    await this.#markInserts.insert({ _id: stateId });
    this.#delivered.push(stateId);
  }

  scheduleTimer(timer: TimerDocument): Promise<InsertOutcome> {
    return this.#timerInserts.insert(timer);
  }

  /**
   * Queues timers whose deadline was dropped (the session closed) for deletion with the next
   * flush: a timer that fires first is ignored anyway.
   */
  cancelTimers(ids: string[]): void {
    this.#cancelled.push(...ids);
  }

  async dueTimers(now: Date, limit = 500): Promise<TimerDocument[]> {
    return this.timers
      .find({ dueAt: { $lte: now } })
      .limit(limit)
      .toArray();
  }

  /** Claims a due timer for this process; false when another process claimed it first. */
  async claimTimer(id: string, by: string, at: Date): Promise<boolean> {
    return insertOnce(() => this.timerClaims.insertOne({ _id: id, at, by }));
  }

  async timerClaim(id: string): Promise<{ at: Date; by: string } | null> {
    return this.timerClaims.findOne({ _id: id });
  }

  async finishTimer(id: string): Promise<void> {
    // The claim stays: a process that read the timer before this delete must not claim it again.
    await this.timers.deleteOne({ _id: id });
  }

  /** The ids of versions whose outbox is not known to be delivered. */
  async pendingRecords(): Promise<string[]> {
    const records = await this.pending.find({}, { projection: { _id: 1 } }).toArray();
    if (records.length === 0) return [];
    const marked = new Set((await this.marks.find({}).toArray()).map((m) => m._id));
    return records.map((r) => r._id).filter((id) => !marked.has(id));
  }

  /**
   * The stored versions of these ids, oldest first; a pending record whose version never got
   * stored (its process died between the two inserts) is dropped.
   */
  async statesOf(ids: string[]): Promise<ConversationState[]> {
    const states: ConversationState[] = [];
    const orphans: string[] = [];
    for (const id of ids) {
      const doc = await this.states.findOne({ _id: id });
      if (doc) states.push(decodeState(doc));
      else orphans.push(id);
    }
    if (orphans.length > 0) await this.pending.deleteMany({ _id: { $in: orphans } });
    return states.sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.version - b.version,
    );
  }

  /** Deletes cancelled timers, and delivered pending records with their marks, in batches. */
  async flush(): Promise<number> {
    const timers = this.#cancelled.splice(0);
    if (timers.length > 0) await this.timers.deleteMany({ _id: { $in: timers } });
    const delivered = this.#delivered.splice(0);
    if (delivered.length > 0) {
      await this.pending.deleteMany({ _id: { $in: delivered } });
      await this.marks.deleteMany({ _id: { $in: delivered } });
    }
    return delivered.length;
  }
}
