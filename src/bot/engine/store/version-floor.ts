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
    let floor = 0;
    let from = 0;
    for (;;) {
      const link = await this.links.findOne({ _id: `${conversationId}:${floor}` });
      if (!link) return { floor, from: Math.max(1, from) };
      from = floor;
      floor = link.to;
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
}
