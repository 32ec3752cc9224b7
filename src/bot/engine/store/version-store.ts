import { LRUCache } from 'lru-cache';
import type { Collection, Db } from 'mongodb';
import { GroupInserter, type InsertOutcome } from '../../../storage/index.ts';
import type { ConversationState } from '../state.ts';
import {
  decodeStored,
  encodeState,
  joinState,
  type StoredState,
  type StoredVersion,
} from '../state-codec.ts';
import { dropIndexIfThere, isStub, StatesByGeneration, type MovedStub } from './generations.ts';
import type { OutboxJournal, PendingRecord } from './outbox-journal.ts';
import { segmentOf, VersionFloors, VersionGone, type Floor } from './version-floor.ts';
import { partsOf, rebuildVersion, type ReadVersion } from './version-join.ts';
import { standingVersion } from './version-move.ts';

export { ANSWERS_INDEX } from './generations.ts';

/** Reads of a latest version that met a version compaction deleted under them, at most. */
const GONE_RETRIES = 4;

/** Its name before issue 17, on `{ answers: 1 }` alone: refused by `shardCollection`. */
export const LEGACY_ANSWERS_INDEX = 'answers_unique';

/** A conversation's head: inserted once, when a process first meets it. */
export interface ConversationHead {
  _id: string;
  createdAt: Date;
  /** The generation its first versions are stored in (absent: 0). */
  generation?: number;
}

/** One stored document of a conversation, where it was found. */
export interface FoundVersion {
  generation: number;
  doc: StoredVersion | MovedStub;
}

/**
 * A conversation's versions (decision 1), each inserted once under its unique
 * (conversation, version) `_id` and answered-input key. Designed for what FerretDB v1 measures
 * here: a read by `_id` is an index lookup (with the read index our embedded server adds), any
 * other read scans the whole collection and decodes every document. So versions are
 * append-only, concurrent turns share one insert (group commit), and the latest version after
 * a cache miss is found by probing `_id`s; a tiny head document per conversation tells a new
 * conversation without any read.
 *
 * Versions live in generations (issue 17, `generations.ts`): a conversation's first versions
 * in its head's generation, and after each move from the floor it was moved to in the link's.
 * Every writer knows the generation of version n+1 before it writes — the one the version it
 * builds on was read from, or the head's for a first version — and a move claims n+1 in the
 * old generation first (a stub), so all writers of one version number meet in one collection.
 */
export class VersionStore {
  /** Generation 0's versions: every database made before generations. */
  readonly states: Collection<StoredState>;
  /** One tiny document per conversation ever seen: tells a new conversation without a scan. */
  readonly heads: Collection<ConversationHead>;
  /** Where moved (or compacted) conversations' versions start (issue 17). */
  readonly floors: VersionFloors;
  /** The versions' collection of each generation, and the registry of generations. */
  readonly generations: StatesByGeneration;
  /** The outbox journal: which versions still have replies to send. */
  readonly journal: OutboxJournal;
  readonly #headInserts: GroupInserter;
  /** The generation each state read or written here is stored in: where its next version goes. */
  readonly #generationOf = new WeakMap<ConversationState, number>();
  /** New conversations' generations (from their heads), until their first version is stored. */
  readonly #fresh = new LRUCache<string, number>({ max: 10_000 });

  /** `journal` records which versions still have replies to send; `realNow` is real time. */
  constructor(db: Db, journal: OutboxJournal, realNow: () => number = Date.now) {
    this.generations = new StatesByGeneration(db, realNow);
    this.states = this.generations.of(0);
    this.heads = db.collection('conversation_heads');
    this.floors = new VersionFloors(db);
    this.journal = journal;
    this.#headInserts = new GroupInserter(this.heads as unknown as Collection);
  }

  /** Database round trips made by version and head inserts (benchmark and metrics). */
  get roundTrips(): number {
    return this.generations.roundTrips + this.#headInserts.roundTrips;
  }

  /**
   * One answer per input (decision 0): the `(conversationId, answers)` unique index, which a
   * cluster sharded on `{ conversationId: 1 }` accepts (docs/SCALING.md). It replaces the
   * `{ answers: 1 }` index of databases made before issue 17 with the same guarantee, as
   * every input key names its conversation (input-key.ts). The new index is built before the
   * old one goes, so some unique index refuses a second answer at every moment; processes
   * starting at once build the same index (a no-op for all but one) and may each try the drop.
   * Each newer generation's collection gets the same index before its first insert.
   */
  async init(): Promise<void> {
    await this.generations.index(0);
    await dropIndexIfThere(this.states, LEGACY_ANSWERS_INDEX);
  }

  /**
   * Registers a conversation when a process meets it without a copy in memory: true when it
   * is new everywhere (nothing to read), false when it exists (read its latest version). A new
   * conversation starts in the newest generation this process knows of, recorded in its head.
   */
  async isNewConversation(conversationId: string, at: Date): Promise<boolean> {
    const generation = await this.generations.newest();
    const head: ConversationHead = { _id: conversationId, createdAt: at };
    if (generation !== 0) head.generation = generation;
    if ((await this.#headInserts.insert(head)) !== 'inserted') return false;
    this.#fresh.set(conversationId, generation);
    return true;
  }

  /**
   * Stores a new version, built on `basis` (the version before it as read or written here;
   * null for a first version): into `basis`'s generation, or the head's for a first version.
   * A version with replies to send is journaled as pending first: a process killed between the
   * two leaves an entry without a state (settled by recovery), never an unsent outbox that
   * nobody knows of. A version that lost the race to another process (or to a move) is
   * settled at once: its replies are not this process's to send.
   */
  async insert(
    state: ConversationState,
    basis: ConversationState | null = null,
  ): Promise<InsertOutcome> {
    if (state.pendingOutbox) {
      try {
        await this.journal.pending(state._id);
      } catch (error) {
        this.journal.abandon(state._id);
        throw error;
      }
    }
    // Placed after the journal entry, which turns of the same moment share.
    const generation = await this.#generationFor(state, basis);
    const outcome =
      generation === null
        ? 'duplicate'
        : await this.generations.insert(generation, encodeState(state));
    if (outcome === 'duplicate' && state.pendingOutbox) void this.journal.settle(state._id);
    if (outcome === 'inserted' && generation !== null) {
      this.#generationOf.set(state, generation);
      if (!basis) this.#fresh.delete(state.conversationId);
    }
    return outcome;
  }

  /**
   * Where version `state.version` goes: `basis`'s generation when this store read or wrote it;
   * else the head's (a first version), or the segment the number falls in by the floor links;
   * null when a move already took the number (below its floor: nothing to insert).
   */
  async #generationFor(
    state: ConversationState,
    basis: ConversationState | null,
  ): Promise<number | null> {
    const id = state.conversationId;
    let generation = basis ? this.#generationOf.get(basis) : undefined;
    if (generation === undefined && state.version === 1)
      generation = this.#fresh.get(id) ?? (await this.heads.findOne({ _id: id }))?.generation ?? 0;
    // A generation dropped under a copy held in memory: placed by the links instead.
    if (generation !== undefined && !(await this.generations.isDropped(generation)))
      return generation;
    await this.generations.refresh(); // rare: a generation opened a moment ago is known too
    const floor = await this.locate(id);
    if (state.version < floor.floor) return null;
    return segmentOf(floor, state.version);
  }

  /**
   * The latest version of a conversation, or null for a new one: versions are numbered without
   * gaps from the conversation's floor (1, or where a move or compaction left it), so an
   * exponential then binary search over `_id` in the floor's generation finds the last one in
   * about 2·log₂(n) point reads (`atLeast`: a version known to exist, to start from). A move's
   * stub met at the end is followed into the newer generation (and the move finished when its
   * process died part-way). A search that met a version deleted under it (compaction of the
   * older layout) ends on a version already gone (its read fails) and is made again.
   */
  async latest(conversationId: string, atLeast = 0): Promise<ConversationState | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#latestOnce(conversationId, attempt === 0 ? atLeast : 0);
      } catch (error) {
        if (!(error instanceof VersionGone) || attempt >= GONE_RETRIES) throw error;
      }
    }
  }

  /**
   * Where a conversation's versions start and in which generations: its head, the link of the
   * older layout's compaction, and its link in each generation not dropped, read at once (one
   * round trip, a handful of point reads). A generation opened less than a minute ago may be
   * unknown here: a conversation moved into it is found by the stub its move left.
   */
  async locate(conversationId: string): Promise<Floor> {
    const live = await this.generations.live();
    const [head, first, ...moves] = await Promise.all([
      this.heads.findOne({ _id: conversationId }, { projection: { generation: 1 } }),
      this.floors.links.findOne({ _id: `${conversationId}:0` }),
      ...live.map((g) => this.floors.movesInto(g).findOne({ _id: conversationId })),
    ]);
    const headGeneration = head?.generation ?? 0;
    const located = await this.floors.chain(conversationId, headGeneration, first);
    for (const [k, move] of moves.entries()) {
      if (!move) continue;
      located.from = located.floor;
      located.floor = move.to;
      located.generation = live[k]!;
      located.segments.push({ floor: move.to, generation: live[k]! });
    }
    return located;
  }

  /** The version a conversation's stored versions start at: 1, a linked floor, or 0 (none). */
  async floorOf(conversationId: string): Promise<number> {
    const floor = await this.locate(conversationId);
    if (floor.segments.length > 1) return floor.floor;
    return (await this.exists(floor.generation, conversationId, 1)) ? 1 : 0;
  }

  /**
   * A version of a generation joined whole (see `latest`); throws `VersionGone` when it went
   * meanwhile. `known`: documents of the conversation already read, not read again.
   */
  async stateAt(
    generation: number,
    conversationId: string,
    version: number,
    floor: number,
    known?: ReadonlyMap<number, StoredVersion>,
  ): Promise<ConversationState> {
    const reader = this.#reader(generation, conversationId);
    const state = await rebuildVersion(reader, version, floor, known);
    this.#generationOf.set(state, generation);
    return state;
  }

  async #latestOnce(conversationId: string, atLeast: number): Promise<ConversationState | null> {
    const located = await this.locate(conversationId);
    let { generation, floor } = located;
    if (located.segments.length === 1 && !(await this.exists(generation, conversationId, 1))) {
      // Registered, never stored: its first version goes where its head says.
      this.#fresh.set(conversationId, generation);
      return null;
    }
    let from = Math.max(floor, atLeast);
    for (;;) {
      const last = await this.#lastFrom(generation, conversationId, from);
      const found = await this.readIn(generation, conversationId, last);
      if (!found) throw new VersionGone(`${conversationId}: version ${last} is missing`);
      if (isStub(found)) {
        await this.#follow(generation, floor, found);
        generation = found.moved;
        floor = from = last;
        continue;
      }
      return this.stateAt(generation, conversationId, last, floor, new Map([[last, found]]));
    }
  }

  /**
   * A move's stub met by a reader: its standing version is written in the newer generation
   * (unless there: the mover died after the stub) and the floor linked to it (unless linked),
   * so no conversation stays behind a stub that points nowhere. Whoever does it writes the
   * same standing version (the latest state below the stub), and both writes are inserts.
   */
  async #follow(generation: number, floor: number, stub: MovedStub): Promise<void> {
    const { conversationId, version, moved } = stub;
    if (!(await this.exists(moved, conversationId, version))) {
      const before = await this.stateAt(generation, conversationId, version - 1, floor);
      await this.generations.insert(moved, encodeState(standingVersion(before)));
    }
    await this.floors.linkMove(conversationId, moved, version, stub.createdAt);
  }

  /** The last version from `from` (one that exists, or is gone: its read then fails). */
  async #lastFrom(generation: number, conversationId: string, from: number): Promise<number> {
    let low = from;
    let step = 1;
    let high = low + step; // first candidate above
    while (await this.exists(generation, conversationId, high)) {
      low = high;
      step *= 2;
      high = low + step;
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await this.exists(generation, conversationId, mid)) low = mid;
      else high = mid;
    }
    return low;
  }

  /**
   * The stored versions of journal records, oldest first, for their outboxes (their transcripts
   * and `recent` inputs are not joined: see `latest`); settling one of them later settles it in
   * its bucket. A pending version that never got stored (its process died between the two
   * inserts) is settled, as there is nothing to send.
   */
  async statesOf(records: readonly PendingRecord[]): Promise<ConversationState[]> {
    const states: ConversationState[] = [];
    for (const record of records) {
      this.journal.track(record);
      const split = record.id.lastIndexOf(':');
      const conversationId = record.id.slice(0, split);
      const found = await this.find(conversationId, Number(record.id.slice(split + 1)));
      if (!found || isStub(found.doc)) {
        await this.journal.settle(record.id);
        continue;
      }
      const stored = found.doc;
      const read = new Map([[stored.version, stored]]);
      const parts = await partsOf(this.#reader(found.generation, conversationId), stored, read);
      states.push(joinState(stored, parts, stored.lines, stored.recent ?? [stored.answers], null));
    }
    return states.sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.version - b.version,
    );
  }

  /**
   * One stored version as its document holds it — its outbox, language and channel whole, its
   * transcript only the lines its turn added — without the parts other documents hold (see
   * `latest` for a whole state). Null when it does not exist.
   */
  async read(conversationId: string, version: number): Promise<StoredVersion | null> {
    const found = await this.find(conversationId, version);
    return found && !isStub(found.doc) ? found.doc : null;
  }

  /**
   * A version wherever it is stored: in the generation of the segment its number falls in, or
   * where the stub there says (a move not linked yet). Null when it does not exist.
   */
  async find(conversationId: string, version: number, again = true): Promise<FoundVersion | null> {
    let generation = segmentOf(await this.locate(conversationId), version);
    let doc = await this.readIn(generation, conversationId, version);
    if (doc && isStub(doc)) {
      generation = doc.moved;
      doc = await this.readIn(generation, conversationId, version);
    }
    if (doc) return { generation, doc };
    if (!again) return null;
    // In a generation opened less than a minute ago, unknown here yet: read the registry again.
    await this.generations.refresh();
    return this.find(conversationId, version, false);
  }

  /** One document of a generation by number: a version, a move's stub, or null. */
  async readIn(
    generation: number,
    conversationId: string,
    version: number,
  ): Promise<StoredVersion | MovedStub | null> {
    const doc = await this.generations
      .of(generation)
      .findOne({ _id: `${conversationId}:${version}` });
    if (!doc) return null;
    return isStub(doc) ? doc : decodeStored(doc);
  }

  /** Whether a generation holds a conversation's version (or a stub of that number). */
  async exists(generation: number, conversationId: string, version: number): Promise<boolean> {
    const found = await this.generations
      .of(generation)
      .findOne({ _id: `${conversationId}:${version}` }, { projection: { _id: 1 } });
    return found !== null;
  }

  #reader(generation: number, conversationId: string): ReadVersion {
    return async (version) => {
      const doc = await this.readIn(generation, conversationId, version);
      if (!doc || isStub(doc))
        throw new VersionGone(`${conversationId}: version ${version} is missing`);
      return doc;
    };
  }
}
