import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../../domain/errors.ts';
import { GroupInserter, type InsertOutcome } from '../../domain/group-insert.ts';
import type { ConversationState, Deadline } from './state.ts';
import { decodeState, encodeState, type StoredState } from './state-codec.ts';

interface DeliveryMark {
  _id: string;
  at: Date;
}

export interface TimerDocument {
  _id: string;
  conversationId: string;
  kind: Deadline['kind'];
  dueAt: Date;
}

/**
 * The engine's durable state, all of it written by insert (decision 0): conversation state
 * versions, delivery marks of their outboxes, timers and timer claims. Reads happen on a cache
 * miss, at recovery and in the scheduler; the message path writes one insert per turn, shared
 * with concurrent turns (group commit).
 */
export class StateStore {
  readonly states: Collection<StoredState>;
  readonly deliveries: Collection<DeliveryMark>;
  readonly timers: Collection<TimerDocument>;
  readonly timerClaims: Collection<{ _id: string; at: Date; by: string }>;
  /** One tiny document per conversation ever seen: tells a new conversation without a scan. */
  readonly heads: Collection<{ _id: string; createdAt: Date }>;
  readonly #stateInserts: GroupInserter;
  readonly #deliveryInserts: GroupInserter;
  readonly #timerInserts: GroupInserter;
  readonly #headInserts: GroupInserter;
  #prunable: string[] = [];

  constructor(db: Db) {
    this.states = db.collection<StoredState>('conversation_states');
    this.deliveries = db.collection<DeliveryMark>('deliveries');
    this.timers = db.collection<TimerDocument>('timers');
    this.timerClaims = db.collection('timer_claims');
    this.heads = db.collection('conversation_heads');
    this.#headInserts = new GroupInserter(this.heads as unknown as Collection);
    this.#stateInserts = new GroupInserter(this.states as unknown as Collection);
    this.#deliveryInserts = new GroupInserter(this.deliveries as unknown as Collection);
    this.#timerInserts = new GroupInserter(this.timers as unknown as Collection);
  }

  /** Database round trips made by the message path (benchmark and metrics). */
  get roundTrips(): number {
    return (
      this.#stateInserts.roundTrips +
      this.#deliveryInserts.roundTrips +
      this.#timerInserts.roundTrips +
      this.#headInserts.roundTrips
    );
  }

  async init(): Promise<void> {
    await this.states.createIndex({ answers: 1 }, { unique: true, name: 'answers_unique' });
    await this.states.createIndex(
      { conversationId: 1, version: -1 },
      { name: 'conversation_version' },
    );
    await this.timers.createIndex({ dueAt: 1 }, { name: 'due' });
  }

  /**
   * Registers a conversation the first time this process meets it: true when it is new
   * everywhere (no state to read), false when it exists (read its latest version).
   */
  async isNewConversation(conversationId: string, at: Date): Promise<boolean> {
    return (await this.#headInserts.insert({ _id: conversationId, createdAt: at })) === 'inserted';
  }

  /** The latest version of a conversation, or null for a new one. */
  async latest(conversationId: string): Promise<ConversationState | null> {
    // No sort: FerretDB v1 sorts by fetching whole documents; pruning leaves few versions.
    const docs = await this.states.find({ conversationId }).toArray();
    const latest = docs.reduce<StoredState | null>(
      (max, d) => (max && max.version > d.version ? max : d),
      null,
    );
    return latest ? decodeState(latest) : null;
  }

  /** Whether some stored version answered this input (after a duplicate-key conflict). */
  async isAnswered(answers: string): Promise<boolean> {
    return (await this.states.countDocuments({ answers }, { limit: 1 })) > 0;
  }

  insertState(state: ConversationState): Promise<InsertOutcome> {
    return this.#stateInserts.insert(encodeState(state));
  }

  markDelivered(stateId: string, at: Date): Promise<InsertOutcome> {
    return this.#deliveryInserts.insert({ _id: stateId, at });
  }

  scheduleTimer(timer: TimerDocument): Promise<InsertOutcome> {
    return this.#timerInserts.insert(timer);
  }

  async cancelTimers(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.timers.deleteMany({ _id: { $in: ids } });
  }

  async dueTimers(now: Date, limit = 500): Promise<TimerDocument[]> {
    return this.timers
      .find({ dueAt: { $lte: now } })
      .limit(limit)
      .toArray();
  }

  /** Claims a due timer for this process; false when another process claimed it first. */
  async claimTimer(id: string, by: string, at: Date): Promise<boolean> {
    try {
      await this.timerClaims.insertOne({ _id: id, at, by });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async timerClaim(id: string): Promise<{ at: Date; by: string } | null> {
    return this.timerClaims.findOne({ _id: id });
  }

  async finishTimer(id: string): Promise<void> {
    // The claim stays: a process that read the timer before this delete must not claim it again.
    await this.timers.deleteOne({ _id: id });
  }

  /** Versions whose outbox has no delivery mark (after a crash), oldest first. */
  async undelivered(olderThan: Date): Promise<ConversationState[]> {
    const withOutbox = await this.states
      .find({ pendingOutbox: true, createdAt: { $lte: olderThan } })
      .toArray();
    if (withOutbox.length === 0) return [];
    const marks = await this.deliveries
      .find({ _id: { $in: withOutbox.map((s) => s._id) } })
      .toArray();
    const marked = new Set(marks.map((m) => m._id));
    return withOutbox
      .filter((s) => !marked.has(s._id))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.version - b.version)
      .map(decodeState);
  }

  /** Queues a superseded, delivered version (and its mark) for deletion. */
  prune(stateId: string): void {
    this.#prunable.push(stateId);
  }

  /** Deletes the queued superseded versions: keeps the hot collections small. */
  async flushPrunes(): Promise<number> {
    const ids = this.#prunable.splice(0);
    if (ids.length === 0) return 0;
    await this.states.deleteMany({ _id: { $in: ids } });
    await this.deliveries.deleteMany({ _id: { $in: ids } });
    return ids.length;
  }
}
