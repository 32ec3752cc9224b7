/**
 * The stored side of a report read (issue 16, issue 17): the shards of a period and country,
 * and the claims caught up from writers that did not write them, summed so that a claim counts
 * once whether its shard or its caught copy was stored first.
 */
import { DateTime } from 'luxon';
import {
  shardId,
  type CaughtDocument,
  type ReportDay,
  type ShardDocument,
  type TallyModels,
} from './tally-documents.ts';

/** Shard lookups in flight at once while reading a report. */
const PARALLEL_READS = 16;
/**
 * Past this many shards (days × writers) a report scans the summaries instead of looking each
 * up: measured on the embedded database (bench/reports.ts), a lookup ~3-5 ms under load, a scan
 * of a year's summaries ~0.5-1 s.
 */
const MAX_LOOKUPS = 120;

/** Every day of `[from, to]`, both included. */
export function daysBetween(from: ReportDay, to: ReportDay): ReportDay[] {
  const days: ReportDay[] = [];
  const end = DateTime.fromISO(to, { zone: 'utc' });
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d <= end; d = d.plus({ days: 1 }))
    days.push(d.toISODate()!);
  return days;
}

/** Counts of one day, from a shard or a caught claim. */
export interface DayCounts {
  day: ReportDay;
  counts: { k: string; n: number }[];
}

/**
 * What is stored for `[from, to]` in `country`, every writer but `self` (whose counts the
 * caller takes from memory): the shards, read by `_id` (day × writer: on the embedded database
 * a read by any other field scans the collection) or, for a long period, by one scan; then the
 * caught claims (a scan of `report_caught`: a few per killed process).
 */
export async function readStored(
  tally: TallyModels,
  country: string,
  from: ReportDay,
  to: ReportDay,
  self: string,
): Promise<DayCounts[]> {
  const writers = (await tally.writers.find().lean<{ _id: string }[]>())
    .map((w) => w._id)
    .filter((w) => w !== self);
  const ids = daysBetween(from, to).flatMap((day) => writers.map((w) => shardId(day, country, w)));
  const shards =
    ids.length > MAX_LOOKUPS
      ? // A long period: one scan of the summaries costs less than hundreds of lookups.
        await tally.shards.find({ country, day: { $gte: from, $lte: to } }).lean<ShardDocument[]>()
      : await lookUp(tally, ids);
  // After the shards: a claim caught up meanwhile is one its shard was read without.
  const caught = await tally.caught
    .find({ country, day: { $gte: from, $lte: to } })
    .lean<CaughtDocument[]>();
  return sumWithCaught(shards, caught, self);
}

/**
 * The shards, and the caught claims not yet in their writer's shard, of every writer but
 * `self`. A caught claim whose shard was not read (a writer registered after the report listed
 * them) counts alone: its shard is not counted either, so nothing is counted twice.
 */
export function sumWithCaught(
  shards: readonly ShardDocument[],
  caught: readonly CaughtDocument[],
  self: string,
): DayCounts[] {
  const upTo = new Map<string, number>();
  const out: DayCounts[] = [];
  for (const doc of shards) {
    if (doc.writer === self) continue;
    upTo.set(doc._id, doc.upTo ?? 0);
    out.push(doc);
  }
  for (const doc of caught) {
    if (doc.writer === self) continue;
    if (doc.seq > (upTo.get(shardId(doc.day, doc.country, doc.writer)) ?? 0)) out.push(doc);
  }
  return out;
}

/** Shards by `_id`, some at a time: each an index read (an `$in` is not, on FerretDB v1). */
async function lookUp(tally: TallyModels, ids: readonly string[]): Promise<ShardDocument[]> {
  const docs: ShardDocument[] = [];
  let next = 0;
  const reader = async () => {
    while (next < ids.length) {
      const doc = await tally.shards.findById(ids[next++]!).lean<ShardDocument>();
      if (doc) docs.push(doc);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_READS }, reader));
  return docs;
}
