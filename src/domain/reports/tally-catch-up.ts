/**
 * Issue 17: the catch-up of report counts a writer claimed and has not written to its shard —
 * a killed process's, or those in flight of one that only looks dead — by inserts only
 * (decision 0). A claim carries its counts, its writer and that writer's running number; a
 * shard the number up to which it holds exactly its writer's claims of its day and country
 * (`upTo`). Each claim past its shard's `upTo` is copied into `report_caught` under the claim's
 * own key: two processes catching up at once insert it once, and nothing already stored is ever
 * changed. A report adds a caught claim only while its shard is written below it, so whichever
 * of the writer and a catcher stores it first, it counts once; and a claim that lands late (its
 * insert was in flight during a catch-up) is caught by the next one, as nothing was marked done.
 */
import { GroupInserter } from '../../storage/index.ts';
import {
  shardId,
  type CaughtDocument,
  type ClaimDocument,
  type ShardDocument,
  type TallyModels,
  type WriterDocument,
} from './tally-documents.ts';

/**
 * Catches up every writer not marked clean but `self`: one read of their claims (a scan of
 * `report_counted` on FerretDB v1, see `TallyCatchUpSchedule` for how often), one of what was
 * caught before, a lookup per shard with claims, and one grouped insert of what is missing.
 * Returns how many claims this call inserted (those another catcher inserted first are not).
 */
export async function catchUpUnclean(tally: TallyModels, self: string): Promise<number> {
  // Writers from before issue 17 wrote every count before their claim resolved: none unwritten.
  await tally.writers.updateMany({ v: { $exists: false } }, { $set: { clean: true } });
  const unclean = (await tally.writers.find({ clean: { $ne: true } }).lean<WriterDocument[]>())
    .map((w) => w._id)
    .filter((w) => w !== self);
  if (unclean.length === 0) return 0;
  const claims = await tally.counted
    .find({ writer: { $in: unclean } }, { day: 1, country: 1, counts: 1, writer: 1, seq: 1 })
    .lean<ClaimDocument[]>();
  if (claims.length === 0) return 0;
  const caught = new Set(
    (
      await tally.caught.find({ writer: { $in: unclean } }, { _id: 1 }).lean<{ _id: string }[]>()
    ).map((d) => d._id),
  );
  const upTo = new Map<string, number>();
  const missing: CaughtDocument[] = [];
  for (const claim of claims) {
    const { _id, day, country, writer, seq } = claim;
    if (seq === undefined || country === undefined || writer === undefined || caught.has(_id))
      continue;
    const id = shardId(day, country, writer);
    if (!upTo.has(id))
      upTo.set(id, (await tally.shards.findById(id, { upTo: 1 }).lean<ShardDocument>())?.upTo ?? 0);
    // Already in the shard: a report would ignore the copy. Should the shard go back below it
    // (an older write landing late), the next catch-up copies it then.
    if (seq > upTo.get(id)!)
      missing.push({ _id, day, country, writer, seq, counts: claim.counts ?? [] });
  }
  if (missing.length === 0) return 0;
  const inserter = new GroupInserter(tally.caught.collection);
  const outcomes = await Promise.all(missing.map((doc) => inserter.insert(doc)));
  return outcomes.filter((o) => o === 'inserted').length;
}

/**
 * The counts of `shards` (the stored shards of some days and a country, as a report read them)
 * plus the caught claims of those days not yet in their writer's shard, for every writer but
 * `self` (whose counts the caller takes from memory). A caught claim whose shard was not read
 * (a writer registered after the report listed them) adds alone: its shard is not counted
 * either, so nothing is counted twice.
 */
export function sumWithCaught(
  shards: readonly ShardDocument[],
  caught: readonly CaughtDocument[],
  self: string,
): { day: string; counts: { k: string; n: number }[] }[] {
  const upTo = new Map<string, number>();
  const out: { day: string; counts: { k: string; n: number }[] }[] = [];
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
