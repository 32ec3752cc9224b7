import type { Collection, Db } from 'mongodb';
import { GroupInserter, type InsertOutcome } from '../../../storage/index.ts';
import type { ConversationState } from '../state.ts';
import { decodeState, encodeState, type StoredState } from '../state-codec.ts';
import type { OutboxJournal, PendingRecord } from './outbox-journal.ts';

/**
 * A conversation's versions (decision 1), each inserted once under its unique
 * (conversation, version) `_id` and answered-input key. Designed for what FerretDB v1 measures
 * here: a read by `_id` is an index lookup (with the read index our embedded server adds), any
 * other read scans the whole collection and decodes every document. So versions are
 * append-only, concurrent turns share one insert (group commit), and the latest version after
 * a cache miss is found by probing `_id`s; a tiny head document per conversation tells a new
 * conversation without any read.
 */
export class VersionStore {
  readonly states: Collection<StoredState>;
  /** One tiny document per conversation ever seen: tells a new conversation without a scan. */
  readonly heads: Collection<{ _id: string; createdAt: Date }>;
  readonly #journal: OutboxJournal;
  readonly #stateInserts: GroupInserter;
  readonly #headInserts: GroupInserter;

  /** `journal` records which versions still have replies to send. */
  constructor(db: Db, journal: OutboxJournal) {
    this.states = db.collection<StoredState>('conversation_states');
    this.heads = db.collection('conversation_heads');
    this.#journal = journal;
    this.#stateInserts = new GroupInserter(this.states as unknown as Collection);
    this.#headInserts = new GroupInserter(this.heads as unknown as Collection);
  }

  /** Database round trips made by version and head inserts (benchmark and metrics). */
  get roundTrips(): number {
    return this.#stateInserts.roundTrips + this.#headInserts.roundTrips;
  }

  async init(): Promise<void> {
    await this.states.createIndex({ answers: 1 }, { unique: true, name: 'answers_unique' });
  }

  /**
   * Registers a conversation when a process meets it without a copy in memory: true when it
   * is new everywhere (nothing to read), false when it exists (read its latest version).
   */
  async isNewConversation(conversationId: string, at: Date): Promise<boolean> {
    return (await this.#headInserts.insert({ _id: conversationId, createdAt: at })) === 'inserted';
  }

  /**
   * Stores a new version. A version with replies to send is journaled as pending first: a
   * process killed between the two leaves an entry without a state (settled by recovery),
   * never an unsent outbox that nobody knows of. A version that lost the race to another
   * process is settled at once: its replies are not this process's to send.
   */
  async insert(state: ConversationState): Promise<InsertOutcome> {
    if (state.pendingOutbox) {
      try {
        await this.#journal.pending(state._id);
      } catch (error) {
        this.#journal.abandon(state._id);
        throw error;
      }
    }
    const outcome = await this.#stateInserts.insert(encodeState(state));
    if (outcome === 'duplicate' && state.pendingOutbox) void this.#journal.settle(state._id);
    return outcome;
  }

  /**
   * The latest version of a conversation, or null for a new one: versions are numbered 1, 2, 3…
   * without gaps, so an exponential then binary search over `_id` finds the last one in about
   * 2·log₂(n) point reads (`atLeast`: a version known to exist, to start from).
   */
  async latest(conversationId: string, atLeast = 0): Promise<ConversationState | null> {
    let low = atLeast; // exists (or 0)
    if (low === 0 && !(await this.#exists(conversationId, 1))) return null;
    if (low === 0) low = 1;
    let step = 1;
    let high = low + step; // first candidate above
    while (await this.#exists(conversationId, high)) {
      low = high;
      step *= 2;
      high = low + step;
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await this.#exists(conversationId, mid)) low = mid;
      else high = mid;
    }
    return this.#withTranscript(conversationId, low);
  }

  /**
   * The stored versions of journal records, oldest first, for their outboxes (their transcripts
   * are not joined: see `latest`); settling one of them later settles it in its bucket. A
   * pending version that never got stored (its process died between the two inserts) is
   * settled, as there is nothing to send.
   */
  async statesOf(records: readonly PendingRecord[]): Promise<ConversationState[]> {
    const states: ConversationState[] = [];
    for (const record of records) {
      this.#journal.track(record);
      const doc = await this.states.findOne({ _id: record.id });
      if (doc) states.push(decodeState(doc));
      else await this.#journal.settle(record.id);
    }
    return states.sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.version - b.version,
    );
  }

  /**
   * One stored version as its document holds it: its outbox whole, its transcript only the
   * lines its turn added (see `latest` for the whole transcript). Null when it does not exist.
   */
  async read(conversationId: string, version: number): Promise<ConversationState | null> {
    const doc = await this.states.findOne({ _id: `${conversationId}:${version}` });
    return doc ? decodeState(doc) : null;
  }

  async #exists(conversationId: string, version: number): Promise<boolean> {
    const found = await this.states.findOne(
      { _id: `${conversationId}:${version}` },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  /**
   * A stored version with its whole transcript: a document holds only the lines its turn added
   * after the `transcriptKept` it shares with the version before, so the versions back to the
   * nearest whole copy (at most TRANSCRIPT_CHECKPOINT_EVERY) are read and joined.
   */
  async #withTranscript(
    conversationId: string,
    version: number,
  ): Promise<ConversationState | null> {
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
}
