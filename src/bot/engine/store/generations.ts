import type { Collection, Db } from 'mongodb';
import { GroupInserter, insertOnce, type InsertOutcome } from '../../../storage/index.ts';
import type { StoredState } from '../state-codec.ts';

/**
 * Conversation versions by generation (issue 17, docs/RETENTION.md): generation 0 is
 * `conversation_states` (every database made before generations), generation `g` is
 * `conversation_states_<g>`, `g` the first day of its period as `yyyymmdd`, so generation
 * numbers grow with time whatever the period. A conversation's versions of one generation are
 * dropped with its collection, never one by one.
 */
export const STATES_COLLECTION = 'conversation_states';

/** The collection of a generation's versions. */
export function statesName(generation: number): string {
  return generation === 0 ? STATES_COLLECTION : `${STATES_COLLECTION}_${generation}`;
}

/** The generation (the first day of its period, `yyyymmdd`) that `at` falls in. */
export function generationAt(at: Date, periodMs: number): number {
  const start = new Date(Math.floor(at.getTime() / periodMs) * periodMs);
  return start.getUTCFullYear() * 10_000 + (start.getUTCMonth() + 1) * 100 + start.getUTCDate();
}

/**
 * The version number a move to a newer generation claimed in the old collection (inserted
 * there first: any writer racing the move fails its insert on this `_id`), naming where the
 * conversation went. The standing version has the same number in the new generation.
 */
export interface MovedStub {
  _id: string;
  conversationId: string;
  version: number;
  /** Unique in the collection as every version's (the answers index): `moved:<_id>`. */
  answers: string;
  moved: number;
  createdAt: Date;
}

/** Whether a stored document is a move's stub rather than a version. */
export function isStub(doc: object): doc is MovedStub {
  return typeof (doc as { moved?: unknown }).moved === 'number';
}

/** A stub's `answers` key. */
export const stubAnswers = (id: string) => `moved:${id}`;

/** The registry of generations opened by compaction: when each emptied, and was dropped. */
export interface GenerationRecord {
  _id: number;
  openedAt: Date;
  /** When a run last moved a conversation out of it (or first found it empty). */
  emptiedAt?: Date;
  droppedAt?: Date;
}

/** How long a process trusts what it read of the registry (real time). */
const REGISTRY_FRESH_MS = 60_000;

/** The unique index of answered inputs, prefixed by the shard key (issue 17). */
export const ANSWERS_INDEX = 'conversation_answers_unique';

/**
 * The versions' collections, one per generation, each with its group inserter and its unique
 * index of answered inputs — built before the generation's first insert in this process, so no
 * version is ever inserted into a collection without it (decision 0). Also what this process
 * knows of the registry: the newest generation opened, the one new conversations start in.
 */
export class StatesByGeneration {
  readonly registry: Collection<GenerationRecord>;
  readonly #db: Db;
  readonly #realNow: () => number;
  readonly #each = new Map<
    number,
    { states: Collection<StoredState>; inserter: GroupInserter; ready: Promise<void> | null }
  >();
  #newest = 0;
  /** Generations opened and not dropped, ascending, but 0. */
  #live: number[] = [];
  /** Generations the registry says are dropped. */
  #dropped = new Set<number>();
  #readAt = -Infinity;

  /** `realNow`: the real time the registry's freshness follows. */
  constructor(db: Db, realNow: () => number) {
    this.#db = db;
    this.#realNow = realNow;
    this.registry = db.collection<GenerationRecord>('conversation_generations');
  }

  /** A generation's collection. */
  of(generation: number): Collection<StoredState> {
    return this.#entry(generation).states;
  }

  /** Database round trips of the version inserts. */
  get roundTrips(): number {
    let sum = 0;
    for (const { inserter } of this.#each.values()) sum += inserter.roundTrips;
    return sum;
  }

  /** Builds a generation's unique index (idempotent; every process does it before inserting). */
  index(generation: number): Promise<void> {
    const entry = this.#entry(generation);
    entry.ready ??= entry.states
      .createIndex({ conversationId: 1, answers: 1 }, { unique: true, name: ANSWERS_INDEX })
      .then(() => undefined)
      .catch((error: unknown) => {
        entry.ready = null;
        throw error;
      });
    return entry.ready;
  }

  /** Inserts a version (grouped) or a stub into its generation, its index built first. */
  async insert(generation: number, doc: StoredState | MovedStub): Promise<InsertOutcome> {
    await this.index(generation);
    return this.#entry(generation).inserter.insert(doc);
  }

  /**
   * The newest generation opened (0: none), read again when older than a minute: what a new
   * conversation starts in. A stale answer is safe (the conversation is moved by the next run).
   */
  async newest(): Promise<number> {
    if (this.#realNow() - this.#readAt >= REGISTRY_FRESH_MS) await this.refresh();
    return this.#newest;
  }

  /**
   * Whether a generation was dropped, as of a registry read less than a minute old: a version
   * is never inserted there (the insert would make its collection anew, beside the move's stub
   * that went with it). A drop comes a day after the generation emptied, so no process that
   * reads the registry every minute writes there after it.
   */
  async isDropped(generation: number): Promise<boolean> {
    await this.newest();
    return this.#dropped.has(generation);
  }

  /** The generations opened and not dropped, ascending (generation 0 aside), a minute old at most. */
  async live(): Promise<number[]> {
    await this.newest();
    return this.#live;
  }

  /** Reads the registry now (a handful of documents: one per generation ever opened). */
  async refresh(): Promise<void> {
    const records = await this.registry.find({}).toArray();
    this.#newest = Math.max(0, ...records.map((r) => r._id));
    this.#dropped = new Set(records.filter((r) => r.droppedAt).map((r) => r._id));
    this.#live = records
      .filter((r) => r._id !== 0 && !r.droppedAt)
      .map((r) => r._id)
      .sort((a, b) => a - b);
    for (const generation of this.#dropped) this.#each.delete(generation);
    this.#readAt = this.#realNow();
  }

  /** Opens a generation (by insert: once), so that new conversations start in it. */
  async open(generation: number, at: Date): Promise<boolean> {
    const opened = await insertOnce(() =>
      this.registry.insertOne({ _id: generation, openedAt: at }),
    );
    await this.refresh();
    return opened;
  }

  /** Forgets a dropped generation's collection handle and inserter. */
  forget(generation: number): void {
    this.#each.delete(generation);
  }

  #entry(generation: number) {
    let entry = this.#each.get(generation);
    if (!entry) {
      const states = this.#db.collection<StoredState>(statesName(generation));
      entry = { states, inserter: new GroupInserter(states as unknown as Collection), ready: null };
      this.#each.set(generation, entry);
    }
    return entry;
  }
}

/** Drops an index by name; one already gone (another process dropped it) is no error. */
export async function dropIndexIfThere(
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
