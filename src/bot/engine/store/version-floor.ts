import type { Collection, Db } from 'mongodb';
import { insertOnce } from '../../../storage/index.ts';

/**
 * A link of a compacted conversation's chain: `_id` `<conversation>:<from>` (`from` 0 for the
 * first compaction, else the floor it replaced), `to` the version that now starts its stored
 * versions.
 */
export interface FloorLink {
  _id: string;
  to: number;
  at: Date;
}

/**
 * Where a conversation moved into a generation starts there (issue 17): `_id` the
 * conversation, `to` the version its stub claimed in the generation before and its standing
 * version holds here. One per conversation and generation (a conversation moves into a
 * generation once), in `conversation_floors_<g>`, dropped whole with the generation.
 */
export interface MoveLink {
  _id: string;
  to: number;
  at: Date;
}

/** Where a conversation's stored versions start, and in which generation. */
export interface Floor {
  /** The version they start at (1 when never moved nor compacted; 0: none linked). */
  floor: number;
  /** The floor before it (versions from it up to `floor` are in older segments, or deleted). */
  from: number;
  /** The generation the floor and the versions after it are in. */
  generation: number;
  /** Every segment still stored, oldest first: from its floor on, the versions are in its generation. */
  segments: { floor: number; generation: number }[];
}

/**
 * A compaction's deletes in progress (issue 17): the versions from `from` up to `to` (excluded)
 * of each conversation, recorded before they are deleted and removed after.
 */
export interface UnfinishedDeletes {
  _id: string;
  spans: { conversationId: string; from: number; to: number }[];
  at: Date;
}

/** Thrown when a version a read relied on was deleted under it by compaction: read again. */
export class VersionGone extends Error {
  readonly code = 'VERSION_GONE';
}

/**
 * Where a conversation's stored versions start (issue 17). Versions are numbered 1, 2, 3…;
 * compaction (`bot/retention`) inserts a version that stands alone above the latest, links
 * the conversation's floor to it by insert (`conversation_floors`, one document per
 * compaction: never updated), and only then deletes the versions below it, the floor first. So
 * a conversation whose version 1 exists starts at 1 (no extra read for one never compacted),
 * and one without it starts where its chain of links ends.
 */
export class VersionFloors {
  readonly links: Collection<FloorLink>;
  /**
   * Deletes a compaction recorded and has not finished (its process died): the next run does
   * them. A handful of documents at most, read whole.
   */
  readonly unfinished: Collection<UnfinishedDeletes>;

  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    this.links = db.collection<FloorLink>('conversation_floors');
    this.unfinished = db.collection<UnfinishedDeletes>('compaction_deletes');
  }

  /**
   * The version the stored versions start at once version 1 is gone (`floor`, 0 when none is
   * linked), and the floor before it (`from`: versions from there up to `floor` are deleted or
   * are being deleted).
   */
  async linkedFloor(conversationId: string): Promise<{ floor: number; from: number }> {
    const { floor, from, segments } = await this.chain(conversationId, 0);
    return segments.length === 1 ? { floor: 0, from: 1 } : { floor, from };
  }

  /**
   * The chain of links of a conversation whose first versions are in `firstGeneration` (its
   * head's), left by compaction before generations (all in generation 0): its floor there and
   * each segment. `floor` 1 when no link. `first`: the link from floor 0, when already read.
   */
  async chain(
    conversationId: string,
    firstGeneration: number,
    first?: FloorLink | null,
  ): Promise<Floor> {
    const segments = [{ floor: 1, generation: firstGeneration }];
    let link: FloorLink | null =
      first === undefined ? await this.links.findOne({ _id: `${conversationId}:0` }) : first;
    if (!link) return { floor: 1, from: 1, generation: firstGeneration, segments };
    let from = 1;
    for (;;) {
      const floor: number = link.to;
      segments.push({ floor, generation: firstGeneration });
      link = await this.links.findOne({ _id: `${conversationId}:${floor}` });
      if (!link) return { floor, from, generation: segments.at(-1)!.generation, segments };
      from = floor;
    }
  }

  /**
   * Links the floor `from` (1: never compacted) to `to`, at the end of the chain: a link left
   * by a compaction that died before deleting version 1 is followed, not overwritten.
   */
  async link(conversationId: string, from: number, to: number, at: Date): Promise<void> {
    let key = from === 1 ? 0 : from;
    for (;;) {
      const _id = `${conversationId}:${key}`;
      if (await insertOnce(() => this.links.insertOne({ _id, to, at }))) return;
      const link = await this.links.findOne({ _id });
      if (!link || link.to === to) return;
      key = link.to;
    }
  }

  /** The links of the conversations moved into a generation (generation 0 has none). */
  movesInto(generation: number): Collection<MoveLink> {
    return this.#db.collection<MoveLink>(`conversation_floors_${generation}`);
  }

  /** Links a conversation moved into `generation` to the version it starts at there (once). */
  async linkMove(conversationId: string, generation: number, to: number, at: Date): Promise<void> {
    await insertOnce(() => this.movesInto(generation).insertOne({ _id: conversationId, to, at }));
  }
}

/** The generation a version number falls in: that of the last segment starting at or below it. */
export function segmentOf(floor: Floor, version: number): number {
  let generation = floor.segments[0]!.generation;
  for (const segment of floor.segments)
    if (segment.floor <= version) generation = segment.generation;
  return generation;
}
