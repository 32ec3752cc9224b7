import type { Collection, Db } from 'mongodb';
import { GroupInserter, type InsertOutcome } from '../../../storage/index.ts';
import {
  MAX_TRANSCRIPT,
  RECENT_INPUTS,
  TRANSCRIPT_PAGE_VERSIONS,
  type ConversationState,
  type TranscriptEntry,
} from '../state.ts';
import {
  decodeStored,
  encodeState,
  joinState,
  type Parts,
  type StoredState,
  type StoredVersion,
} from '../state-codec.ts';
import type { OutboxJournal, PendingRecord } from './outbox-journal.ts';
import { VersionFloors, VersionGone } from './version-floor.ts';

/** Reads of a latest version that met a version compaction deleted under them, at most. */
const GONE_RETRIES = 4;

/** The unique index of answered inputs, prefixed by the shard key (issue 17). */
export const ANSWERS_INDEX = 'conversation_answers_unique';
/** Its name before issue 17, on `{ answers: 1 }` alone: refused by `shardCollection`. */
export const LEGACY_ANSWERS_INDEX = 'answers_unique';

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
  /** Where compacted conversations' versions start (issue 17). */
  readonly floors: VersionFloors;
  readonly #journal: OutboxJournal;
  readonly #stateInserts: GroupInserter;
  readonly #headInserts: GroupInserter;

  /** `journal` records which versions still have replies to send. */
  constructor(db: Db, journal: OutboxJournal) {
    this.states = db.collection<StoredState>('conversation_states');
    this.heads = db.collection('conversation_heads');
    this.floors = new VersionFloors(db);
    this.#journal = journal;
    this.#stateInserts = new GroupInserter(this.states as unknown as Collection);
    this.#headInserts = new GroupInserter(this.heads as unknown as Collection);
  }

  /** Database round trips made by version and head inserts (benchmark and metrics). */
  get roundTrips(): number {
    return this.#stateInserts.roundTrips + this.#headInserts.roundTrips;
  }

  /**
   * One answer per input (decision 0): the `(conversationId, answers)` unique index, which a
   * cluster sharded on `{ conversationId: 1 }` accepts (docs/SCALING.md). It replaces the
   * `{ answers: 1 }` index of databases made before issue 17 with the same guarantee, as
   * every input key names its conversation (input-key.ts). The new index is built before the
   * old one goes, so some unique index refuses a second answer at every moment; processes
   * starting at once build the same index (a no-op for all but one) and may each try the drop.
   */
  async init(): Promise<void> {
    await this.states.createIndex(
      { conversationId: 1, answers: 1 },
      { unique: true, name: ANSWERS_INDEX },
    );
    await dropIndexIfThere(this.states, LEGACY_ANSWERS_INDEX);
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
   * The latest version of a conversation, or null for a new one: versions are numbered without
   * gaps from the conversation's floor (1, or where compaction left it), so an exponential then
   * binary search over `_id` finds the last one in about 2·log₂(n) point reads (`atLeast`: a
   * version known to exist, to start from). Compaction deletes versions in ascending order
   * after linking the new floor, so a search that met a deletion ends on a version already
   * gone (its read fails) and is made again, never on a stale version that could be written
   * after.
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

  /** The version a conversation's stored versions start at: 1, a linked floor, or 0 (none). */
  async floorOf(conversationId: string): Promise<number> {
    return (await this.#floors(conversationId)).floor;
  }

  /**
   * Where a conversation's stored versions start and end, by `_id` probes only (compaction):
   * `from` is the floor before the current one (versions from it are deleted, or being deleted
   * by a compaction that died). Null for a conversation with nothing stored.
   */
  async span(
    conversationId: string,
  ): Promise<{ floor: number; from: number; version: number } | null> {
    const floors = await this.#floors(conversationId);
    if (floors.floor === 0) return null;
    return { ...floors, version: await this.#lastFrom(conversationId, floors.floor) };
  }

  /**
   * A version joined whole (see `latest`); throws `VersionGone` when it went meanwhile.
   * `known`: documents of the conversation already read (compaction finds the latest by
   * reading them), not read again.
   */
  stateAt(
    conversationId: string,
    version: number,
    floor: number,
    known?: ReadonlyMap<number, StoredVersion>,
  ): Promise<ConversationState> {
    return this.#rebuild(conversationId, version, floor, known);
  }

  async #floors(conversationId: string): Promise<{ floor: number; from: number }> {
    if (await this.#exists(conversationId, 1)) return { floor: 1, from: 1 };
    return this.floors.linkedFloor(conversationId);
  }

  async #latestOnce(conversationId: string, atLeast: number): Promise<ConversationState | null> {
    const floor = await this.floorOf(conversationId);
    if (floor === 0) return null;
    const last = await this.#lastFrom(conversationId, Math.max(atLeast, floor));
    return this.#rebuild(conversationId, last, floor);
  }

  /** The last version from `low` (one that exists, or is gone: its read then fails). */
  async #lastFrom(conversationId: string, from: number): Promise<number> {
    let low = from;
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
      this.#journal.track(record);
      const doc = await this.states.findOne({ _id: record.id });
      if (!doc) {
        await this.#journal.settle(record.id);
        continue;
      }
      const stored = decodeStored(doc);
      const parts = await this.#partsOf(stored, new Map([[stored.version, stored]]));
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
    const doc = await this.states.findOne({ _id: `${conversationId}:${version}` });
    return doc ? decodeStored(doc) : null;
  }

  async #exists(conversationId: string, version: number): Promise<boolean> {
    const found = await this.states.findOne(
      { _id: `${conversationId}:${version}` },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  async #read(conversationId: string, version: number): Promise<StoredVersion> {
    const doc = await this.states.findOne({ _id: `${conversationId}:${version}` });
    if (!doc) throw new VersionGone(`${conversationId}: version ${version} is missing`);
    return decodeStored(doc);
  }

  /**
   * A stored version joined with what the documents before it hold, in a bounded number of
   * reads by `_id`: the versions back to the last page (at most TRANSCRIPT_PAGE_VERSIONS, read
   * at once) give the newest lines and inputs answered; then one page per
   * TRANSCRIPT_PAGE_VERSIONS versions (four at once), until MAX_TRANSCRIPT lines or the start
   * of the stored transcript, and until RECENT_INPUTS inputs answered; and the documents that
   * store its snapshot and session fields, when older. Documents of the layout before
   * 2026-11-28 are joined as they were: each with the one before, back to a whole copy (at
   * most 16), and their `recent` inputs whole.
   */
  async #rebuild(
    conversationId: string,
    version: number,
    floor: number,
    known?: ReadonlyMap<number, StoredVersion>,
  ): Promise<ConversationState> {
    const from = Math.max(floor, version - (version % TRANSCRIPT_PAGE_VERSIONS));
    const read = new Map<number, StoredVersion>(known);
    const chain = await Promise.all(
      Array.from(
        { length: version - from + 1 },
        (_, i) => read.get(version - i) ?? this.#read(conversationId, version - i),
      ),
    );
    for (const doc of chain) read.set(doc.version, doc);
    const get = async (v: number) => {
      let doc = read.get(v);
      if (!doc) read.set(v, (doc = await this.#read(conversationId, v)));
      return doc;
    };
    const latest = chain[0]!;

    // The transcript, newest lines first: a page stands for its 16 versions.
    const chunks: TranscriptEntry[][] = [];
    let lines = 0;
    for (let cursor = version; lines < MAX_TRANSCRIPT;) {
      const doc = await get(cursor);
      const chunk = doc.page ?? doc.lines;
      chunks.push(chunk);
      lines += chunk.length;
      if (doc.page ? doc.transcriptDepth < TRANSCRIPT_PAGE_VERSIONS : doc.transcriptKept === 0)
        break;
      if (!doc.page) {
        cursor -= 1;
        continue;
      }
      cursor -= TRANSCRIPT_PAGE_VERSIONS;
      // The pages before are at known versions (back to where the stored transcript starts):
      // read a few at once rather than one round trip each.
      if (!read.has(cursor)) {
        const start = doc.version - doc.transcriptDepth;
        const next = [1, 2, 3, 4]
          .map((k) => doc.version - k * TRANSCRIPT_PAGE_VERSIONS)
          .filter((v) => v >= start && v >= 1);
        for (const page of await Promise.all(next.map((v) => this.#read(conversationId, v))))
          read.set(page.version, page);
      }
    }
    const transcript = chunks.reverse().flat().slice(-MAX_TRANSCRIPT);
    const recent = await recentOf(version, floor, get);
    const parts = await this.#partsOf(latest, read);
    return joinState(latest, parts, transcript, recent, pageLinesOf(chain, transcript.length));
  }

  /** A version's snapshot and session fields: in its own document, or in those it names. */
  async #partsOf(doc: StoredVersion, read: ReadonlyMap<number, StoredVersion>): Promise<Parts> {
    const holder = async (version: number) =>
      read.get(version) ?? (await this.#read(doc.conversationId, version));
    const { snapshot } = await holder(doc.snapshotAt);
    const { fields } = await holder(doc.fieldsAt);
    if (!snapshot || !fields) throw new Error(`${doc._id}: a version it names stores nothing`);
    return {
      snapshotAt: doc.snapshotAt,
      snapshot: snapshot.snapshot,
      fieldsAt: doc.fieldsAt,
      fields: fields.fields,
      fieldsText: fields.text,
    };
  }
}

/**
 * The inputs a version and those before it answered, the last RECENT_INPUTS: the versions' own
 * back to a page, then the pages' (16 each), back to a document that stores the whole list
 * (of the older layout, or standing alone: the floor of a compacted conversation) or to the
 * first version. A page reaching below the floor gives way to the floor's whole list there.
 */
async function recentOf(
  version: number,
  floor: number,
  get: (version: number) => Promise<StoredVersion>,
): Promise<string[]> {
  const newestFirst: string[] = [];
  for (let cursor = version; cursor >= floor && newestFirst.length < RECENT_INPUTS;) {
    const doc = await get(cursor);
    const keys = doc.recent ?? doc.answered ?? [doc.answers];
    for (let i = keys.length - 1; i >= 0; i--) newestFirst.push(keys[i]!);
    if (doc.recent) break;
    const next = cursor - (doc.answered ? TRANSCRIPT_PAGE_VERSIONS : 1);
    if (next < floor && floor > 1) {
      // The page's oldest keys, of the floor and the versions before it, are in its list.
      newestFirst.length -= floor - next;
      cursor = floor;
    } else cursor = next;
  }
  return newestFirst.slice(0, RECENT_INPUTS).reverse();
}

/**
 * The lines the session added since the last page, for the next version's page: the lines of
 * the versions after it (`chain`: newest first, back to the page), back to where the stored
 * transcript starts, or the page's own when the latest is a page version; null when one of
 * them is of the older layout (the next version then starts the stored transcript).
 */
function pageLinesOf(chain: readonly StoredVersion[], transcriptLength: number): number | null {
  let sum = 0;
  for (const [i, doc] of chain.entries()) {
    if (doc.legacy) return null;
    // A page version counts the lines of its page; the versions after one, theirs.
    if (doc.page) return i === 0 ? Math.min(transcriptLength, doc.page.length) : sum;
    sum += doc.lines.length;
    if (doc.transcriptKept === 0) break;
  }
  return Math.min(transcriptLength, sum);
}

/** Drops an index by name; one already gone (another process dropped it) is no error. */
async function dropIndexIfThere(
  collection: Pick<Collection, 'dropIndex'>,
  name: string,
): Promise<void> {
  try {
    await collection.dropIndex(name);
  } catch (error) {
    const { code, codeName } = error as { code?: number; codeName?: string };
    // IndexNotFound, or NamespaceNotFound when the collection does not exist yet.
    if (code === 27 || codeName === 'IndexNotFound' || code === 26) return;
    throw error;
  }
}
