import type { Collection, Db } from 'mongodb';
import { GroupInserter, insertOnce, type InsertOutcome } from '../../domain/group-insert.ts';
import { IdJournal, type JournalEntry } from './id-journal.ts';
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

/**
 * The engine's durable state, every guarantee of it written by insert (decision 0).
 *
 * Designed for what FerretDB v1 measures here: a read or delete by `_id` is an index lookup
 * (with the read index our embedded server adds), any other read scans the whole collection
 * and decodes every document, and every document written costs a row and its JSON, a delete
 * more. So the message path reads only by `_id`: state versions are append-only; the latest
 * version after a cache miss is found by probing `_id`s; and the outbox journal records a group
 * of turns in one document — the versions about to be stored with replies to send
 * (`pending_deliveries`) and then those whose replies went out (`delivered_marks`) — deleted by
 * `_id` once all of a group's replies are out. Only the journal is scanned, by recovery.
 */
export class StateStore {
  readonly states: Collection<StoredState>;
  readonly pending: Collection<JournalEntry>;
  readonly marks: Collection<JournalEntry>;
  readonly timers: Collection<TimerDocument>;
  readonly timerClaims: Collection<{ _id: string; at: Date; by: string }>;
  /** One tiny document per conversation ever seen: tells a new conversation without a scan. */
  readonly heads: Collection<{ _id: string; createdAt: Date }>;
  readonly #stateInserts: GroupInserter;
  readonly #timerInserts: GroupInserter;
  readonly #headInserts: GroupInserter;
  readonly #pendingJournal: IdJournal;
  readonly #markJournal: IdJournal;
  /** This process's pending entries: the versions not yet settled, and the marks that settled the rest. */
  readonly #open = new Map<string, { ids: Set<string>; marks: Set<string> }>();
  /** Version id → the pending entry that holds it. */
  readonly #entryOf = new Map<string, string>();
  /** Mark entry → how many of this process's pending entries still refer to it. */
  readonly #markRefs = new Map<string, number>();
  /** Pending entries all of whose versions are settled: deleted with the next flush. */
  #settledEntries: string[] = [];
  #cancelled: string[] = [];
  /** Journal entries seen by the previous leftover sweep. */
  #leftoverSuspects = new Set<string>();

  constructor(db: Db, by: string, now: () => Date) {
    this.states = db.collection<StoredState>('conversation_states');
    this.pending = db.collection<JournalEntry>('pending_deliveries');
    this.marks = db.collection<JournalEntry>('delivered_marks');
    this.timers = db.collection<TimerDocument>('timers');
    this.timerClaims = db.collection('timer_claims');
    this.heads = db.collection('conversation_heads');
    this.#stateInserts = new GroupInserter(this.states as unknown as Collection);
    this.#timerInserts = new GroupInserter(this.timers as unknown as Collection);
    this.#headInserts = new GroupInserter(this.heads as unknown as Collection);
    this.#pendingJournal = new IdJournal(this.pending, by, now, (entry) => {
      this.#open.set(entry._id, { ids: new Set(entry.ids), marks: new Set() });
      for (const id of entry.ids) this.#entryOf.set(id, entry._id);
    });
    this.#markJournal = new IdJournal(this.marks, by, now, (mark) => this.#settled(mark));
  }

  /** Database round trips made by the message path's inserts (benchmark and metrics). */
  get roundTrips(): number {
    return (
      this.#stateInserts.roundTrips +
      this.#timerInserts.roundTrips +
      this.#headInserts.roundTrips +
      this.#pendingJournal.roundTrips +
      this.#markJournal.roundTrips
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
    if (state.pendingOutbox) await this.#pendingJournal.record(state._id);
    const outcome = await this.#stateInserts.insert(encodeState(state));
    if (outcome === 'duplicate' && state.pendingOutbox) void this.settle(state._id);
    return outcome;
  }

  /**
   * Records that a version's outbox is settled: delivered, or not to be delivered. The mark is
   * journaled at once (in a group); the pending entry and its marks are deleted by the next
   * flush once all of the entry's versions are settled. A crash can resend only replies whose
   * mark was still in flight.
   */
  async settle(stateId: string): Promise<void> {
    await this.#markJournal.record(stateId);
  }

  /** Settles, in this process's books, the versions of a mark entry just written. */
  #settled(mark: JournalEntry): void {
    for (const id of mark.ids) {
      const entryId = this.#entryOf.get(id);
      const entry = entryId === undefined ? undefined : this.#open.get(entryId);
      if (entryId === undefined || !entry) continue;
      this.#entryOf.delete(id);
      entry.ids.delete(id);
      if (!entry.marks.has(mark._id)) {
        entry.marks.add(mark._id);
        this.#markRefs.set(mark._id, (this.#markRefs.get(mark._id) ?? 0) + 1);
      }
      if (entry.ids.size === 0) this.#settledEntries.push(entryId);
    }
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

  /** The ids of versions whose outbox is journaled as pending and not settled. */
  async pendingRecords(): Promise<string[]> {
    const entries = await this.pending.find({}).toArray();
    if (entries.length === 0) return [];
    const settled = new Set((await this.marks.find({}).toArray()).flatMap((m) => m.ids));
    return entries.flatMap((e) => e.ids).filter((id) => !settled.has(id));
  }

  /**
   * The stored versions of these ids, oldest first, for their outboxes (their transcripts are
   * not joined: see `latest`); a pending id whose version never got
   * stored (its process died between the two inserts) is settled, as there is nothing to send.
   */
  async statesOf(ids: string[]): Promise<ConversationState[]> {
    const states: ConversationState[] = [];
    for (const id of ids) {
      const doc = await this.states.findOne({ _id: id });
      if (doc) states.push(decodeState(doc));
      else await this.settle(id);
    }
    return states.sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.version - b.version,
    );
  }

  /**
   * Deletes, by `_id`, cancelled timers and this process's settled journal entries: each
   * pending entry all of whose versions are settled, then the marks no open entry refers to.
   * Returns how many pending entries went.
   */
  async flush(): Promise<number> {
    await deleteByIds(this.timers, this.#cancelled.splice(0));
    const entries = this.#settledEntries.splice(0);
    if (entries.length === 0) return 0;
    await deleteByIds(this.pending, entries);
    const marks: string[] = [];
    for (const entryId of entries) {
      for (const mark of this.#open.get(entryId)?.marks ?? []) {
        const refs = (this.#markRefs.get(mark) ?? 1) - 1;
        if (refs > 0) this.#markRefs.set(mark, refs);
        else {
          this.#markRefs.delete(mark);
          marks.push(mark);
        }
      }
      this.#open.delete(entryId);
    }
    await deleteByIds(this.marks, marks);
    return entries.length;
  }

  /**
   * Deletes journal entries left by processes that died (or by this one before a failure): a
   * pending entry all of whose versions are settled, and a mark none of whose versions is in a
   * pending entry, once two sweeps in a row have seen them so, and not this process's own.
   */
  async sweepLeftovers(): Promise<number> {
    const pending = await this.pending.find({}).toArray();
    const marks = await this.marks.find({}).toArray();
    const settled = new Set(marks.flatMap((m) => m.ids));
    const stillPending = new Set<string>();
    const done: string[] = [];
    for (const entry of pending) {
      if (this.#open.has(entry._id)) continue;
      if (entry.ids.every((id) => settled.has(id))) done.push(entry._id);
      else for (const id of entry.ids) stillPending.add(id);
    }
    for (const entry of pending) {
      if (this.#open.has(entry._id)) for (const id of entry.ids) stillPending.add(id);
    }
    const orphanMarks = marks
      .filter((m) => !this.#markRefs.has(m._id) && !m.ids.some((id) => stillPending.has(id)))
      .map((m) => m._id);
    const candidates = [...done, ...orphanMarks];
    const leftovers = candidates.filter((id) => this.#leftoverSuspects.has(id));
    this.#leftoverSuspects = new Set(candidates.filter((id) => !this.#leftoverSuspects.has(id)));
    const doneSet = new Set(done);
    await deleteByIds(
      this.pending,
      leftovers.filter((id) => doneSet.has(id)),
    );
    await deleteByIds(
      this.marks,
      leftovers.filter((id) => !doneSet.has(id)),
    );
    return leftovers.length;
  }
}

/**
 * Deletes documents by `_id`, one statement each in one command: FerretDB pushes an `_id`
 * equality down to an index lookup, while `{ _id: { $in } }` compares every document of the
 * collection with every id.
 */
async function deleteByIds(
  collection: Collection<{ _id: string }> | Collection<JournalEntry> | Collection<TimerDocument>,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await (collection as unknown as Collection<{ _id: string }>).bulkWrite(
    ids.map((id) => ({ deleteOne: { filter: { _id: id } } })),
    { ordered: false },
  );
}
