/**
 * Issue 17: the catch-up of report counts a killed process claimed and never wrote. A claim
 * carries its counts, its writer and that writer's number; a shard is written with `upTo`, the
 * number up to which it holds exactly its writer's claims. For a writer that did not stop
 * cleanly, each of its shards becomes the stored counts plus its claims past `upTo`, written
 * only over the shard as read (a replace on `upTo`, or the first insert): two processes
 * catching up at once write it once, and a writer still alive later writes a superset anyway.
 */
import { insertOnce } from '../../storage/index.ts';
import type {
  ClaimDocument,
  ShardDocument,
  TallyModels,
  WriterDocument,
} from './tally-documents.ts';

/**
 * Catches up every writer not marked clean but `self` (reads their claims: a scan of the claims
 * on FerretDB v1, done at start only). Returns how many claims it added to shards.
 */
export async function catchUpUnclean(tally: TallyModels, self: string): Promise<number> {
  // Writers from before issue 17 wrote every count before their claim resolved: none unwritten.
  await tally.writers.updateMany({ v: { $exists: false } }, { $set: { clean: true } });
  const unclean = (await tally.writers.find({ clean: { $ne: true } }).lean<WriterDocument[]>())
    .map((w) => w._id)
    .filter((w) => w !== self);
  if (unclean.length === 0) return 0;
  const claims = await tally.counted.find({ writer: { $in: unclean } }).lean<ClaimDocument[]>();
  const byShard = new Map<string, ClaimDocument[]>();
  for (const claim of claims) {
    if (claim.seq === undefined || claim.country === undefined) continue;
    const id = `${claim.day}|${claim.country}|${claim.writer}`;
    byShard.set(id, [...(byShard.get(id) ?? []), claim]);
  }
  let caught = 0;
  for (const [id, ofShard] of byShard) caught += await catchUpShard(tally, id, ofShard);
  return caught;
}

async function catchUpShard(
  tally: Pick<TallyModels, 'shards'>,
  id: string,
  claims: readonly ClaimDocument[],
): Promise<number> {
  const stored = await tally.shards.findById(id).lean<ShardDocument>();
  const upTo = stored?.upTo ?? 0;
  const missing = claims.filter((c) => c.seq! > upTo);
  if (missing.length === 0) return 0;
  const counts = new Map((stored?.counts ?? []).map(({ k, n }) => [k, n]));
  for (const claim of missing)
    for (const { k, n } of claim.counts ?? []) counts.set(k, (counts.get(k) ?? 0) + n);
  const first = claims[0]!;
  const doc: Omit<ShardDocument, '_id'> = {
    day: first.day,
    country: first.country!,
    writer: first.writer!,
    counts: [...counts].map(([k, n]) => ({ k, n })),
    upTo: Math.max(...missing.map((c) => c.seq!)),
  };
  if (!stored) {
    // Another process catching up at once (or the writer itself) inserted it first.
    return (await insertOnce(() => tally.shards.create({ _id: id, ...doc }))) ? missing.length : 0;
  }
  const replaced = await tally.shards.replaceOne({ _id: id, upTo }, doc);
  return replaced.modifiedCount > 0 ? missing.length : 0;
}
