/**
 * The documents of the reports' daily tally (issue 16, issue 17): shared by the tally and by the
 * catch-up of a dead writer's counts, so that neither imports the other.
 */
import type { Model } from 'mongoose';

/** A local calendar day of a country, `YYYY-MM-DD`. */
export type ReportDay = string;

/** Counts by metric key (`opened:channel:whatsapp` …) for one day. */
export type Counts = Record<string, number>;

export interface ShardDocument {
  _id: string;
  day: ReportDay;
  country: string;
  writer: string;
  counts: { k: string; n: number }[];
  /** Issue 17: every claim of its writer numbered up to this one (for its day) is in it. */
  upTo?: number;
  /**
   * Every claim of its writer numbered up to this one, of any day, was in its stored shard when
   * this was written: a catch-up reads that writer's claims past the highest of these only.
   */
  written?: number;
}

/**
 * The claim of one event (decision 0: its key is the `_id`). Since issue 17 it carries what it
 * adds — day, country, counts, its writer and that writer's running number — so that counts a
 * dead process claimed and never wrote to its shard are caught up from it.
 */
export interface ClaimDocument {
  _id: string;
  day: ReportDay;
  country?: string;
  counts?: { k: string; n: number }[];
  writer?: string;
  seq?: number;
}

/**
 * A claim caught up from a writer that may be dead (issue 17): `_id` is the claim's own key, so
 * two processes catching up the same claim insert one document (decision 0). A report counts it
 * only while its writer's shard for that day and country is written below its `seq`: once the
 * writer itself writes past it, the shard holds it and this is ignored.
 */
export interface CaughtDocument {
  _id: string;
  day: ReportDay;
  country: string;
  writer: string;
  seq: number;
  counts: { k: string; n: number }[];
}

/**
 * A writer (one `DailyTally`), registered before its first claim; `clean` once it stopped with
 * all its counts written. `v: 2`: its claims carry their counts (issue 17).
 */
export interface WriterDocument {
  _id: string;
  at: Date;
  clean?: boolean;
  v?: number;
}

/** The tally's collections, as the catch-up reads and writes them. */
export interface TallyModels {
  readonly shards: Model<ShardDocument>;
  readonly counted: Model<ClaimDocument>;
  readonly writers: Model<WriterDocument>;
  readonly caught: Model<CaughtDocument>;
}

/** The `_id` of a writer's shard of a day and country. */
export function shardId(day: ReportDay, country: string, writer: string): string {
  return `${day}|${country}|${writer}`;
}
