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
  /** The generation `to` and the versions after it are stored in (absent: 0). */
  generation?: number;
}

/** Where a conversation's stored versions start, and in which generation. */
export interface Floor {
  /** The version they start at (1 when never moved nor compacted; 0: none linked). */
  floor: number;
  /** The floor before it (versions from it up to `floor` are in older segments, or deleted). */
  from: number;
  /** The generation the floor and the versions after it are in. */
  generation: number;
  /** Every segment, oldest first: from its floor on, a conversation's versions are in its generation. */
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

  constructor(db: Db) {
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
   * head's): its current floor and generation, and each segment. `floor` 1 when no link.
   * `first`: the link from floor 0, when already read.
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
      segments.push({ floor, generation: link.generation ?? 0 });
      link = await this.links.findOne({ _id: `${conversationId}:${floor}` });
      if (!link) return { floor, from, generation: segments.at(-1)!.generation, segments };
      from = floor;
    }
  }

  /**
   * Links the floor `from` (1: never compacted) to `to` (in `generation`, when moved), at the end of the chain: a link left
   * by a compaction that died before deleting version 1 is followed, not overwritten.
   */
  async link(
    conversationId: string,
    from: number,
    to: number,
    at: Date,
    generation?: number,
  ): Promise<void> {
    let key = from === 1 ? 0 : from;
    const extra = generation ? { generation } : {};
    for (;;) {
      const _id = `${conversationId}:${key}`;
      if (await insertOnce(() => this.links.insertOne({ _id, to, at, ...extra }))) return;
      const link = await this.links.findOne({ _id });
      if (!link || link.to === to) return;
      key = link.to;
    }
  }
}
