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
 * Catches up every writer not marked clean but `self`. Reads their shards (a scan of
 * `report_days`), then their claims past what their shards say is written (`written`): on
 * FerretDB v1 a scan of `report_counted` in the server that returns only the claims written
 * nowhere yet, a handful per writer; what was caught before; and inserts what is missing in one
 * grouped insert. Returns how many claims this call inserted (not those another catcher did).
 */
export async function catchUpUnclean(tally: TallyModels, self: string): Promise<number> {
  // Writers from before issue 17 wrote every count before their claim resolved: none unwritten.
  await tally.writers.updateMany({ v: { $exists: false } }, { $set: { clean: true } });
  const unclean = (await tally.writers.find({ clean: { $ne: true } }).lean<WriterDocument[]>())
    .map((w) => w._id)
    .filter((w) => w !== self);
  if (unclean.length === 0) return 0;
  const shards = await tally.shards
    .find({ writer: { $in: unclean } }, { writer: 1, upTo: 1, written: 1 })
    .lean<ShardDocument[]>();
  const upTo = new Map(shards.map((s) => [s._id, s.upTo ?? 0]));
  const written = new Map<string, number>();
  for (const s of shards)
    written.set(s.writer, Math.max(written.get(s.writer) ?? 0, s.written ?? 0));
  const claims = await tally.counted
    .find({ $or: unclean.map((w) => ({ writer: w, seq: { $gt: written.get(w) ?? 0 } })) })
    .lean<ClaimDocument[]>();
  if (claims.length === 0) return 0;
  const caught = new Set(
    (
      await tally.caught.find({ writer: { $in: unclean } }, { _id: 1 }).lean<{ _id: string }[]>()
    ).map((d) => d._id),
  );
  const missing: CaughtDocument[] = [];
  for (const claim of claims) {
    const { _id, day, country, writer, seq } = claim;
    if (seq === undefined || country === undefined || writer === undefined || caught.has(_id))
      continue;
    // Already in its shard, a copy would be left out by every report.
    if (seq > (upTo.get(shardId(day, country, writer)) ?? 0))
      missing.push({ _id, day, country, writer, seq, counts: claim.counts ?? [] });
  }
  if (missing.length === 0) return 0;
  const inserter = new GroupInserter(tally.caught.collection);
  const outcomes = await Promise.all(missing.map((doc) => inserter.insert(doc)));
  return outcomes.filter((o) => o === 'inserted').length;
}
