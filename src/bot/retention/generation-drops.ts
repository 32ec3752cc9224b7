import { insertOnce } from '../../storage/index.ts';
import type { VersionStore } from '../engine/store/index.ts';

/** What a run saw of each older generation: conversations moved out of it, and left in it. */
export type Emptying = Map<number, { movedOut: number; left: number }>;

/**
 * Drops the generations older than `current` that are empty and have stayed so (issue 17):
 * a generation a run leaves no conversation in is marked emptied (`emptiedAt`, again whenever
 * a run moves one out of it); one that a later run, `dropAfterMs` after, still finds empty —
 * and that holds no version with replies still pending in the outbox journal — is marked
 * dropped in the registry (processes stop writing to it within a minute: `VersionStore`
 * then places a version by the floor links) and its collection dropped whole. Returns the
 * generations dropped.
 */
export async function dropEmptied(
  versions: VersionStore,
  current: number,
  emptying: Emptying,
  options: { now: Date; dropAfterMs: number },
): Promise<number[]> {
  const { registry } = versions.generations;
  const { now, dropAfterMs } = options;
  // Generation 0 (the collection of databases made before generations) is registered too.
  await insertOnce(() => registry.insertOne({ _id: 0, openedAt: new Date(0) }));
  const records = (await registry.find({}).toArray()).filter(
    (r) => r._id < current && !r.droppedAt,
  );
  let pending: Set<number> | null = null;
  const dropped: number[] = [];
  for (const record of records) {
    const seen = emptying.get(record._id);
    if (seen && seen.left > 0) {
      if (record.emptiedAt)
        await registry.updateOne({ _id: record._id }, { $unset: { emptiedAt: '' } });
      continue;
    }
    if ((seen && seen.movedOut > 0) || !record.emptiedAt) {
      await registry.updateOne({ _id: record._id }, { $set: { emptiedAt: now } });
      continue;
    }
    if (now.getTime() - record.emptiedAt.getTime() < dropAfterMs) continue;
    pending ??= await pendingGenerations(versions);
    if (pending.has(record._id)) continue;
    await registry.updateOne({ _id: record._id }, { $set: { droppedAt: now } });
    // Its versions, and its links (generation 0's: the older layout's chains), whole.
    const links = record._id === 0 ? versions.floors.links : versions.floors.movesInto(record._id);
    for (const collection of [versions.generations.of(record._id), links])
      await collection.drop().catch((error: unknown) => {
        // Dropped already (by another run, or never created).
        if ((error as { code?: number }).code !== 26) throw error;
      });
    versions.generations.forget(record._id);
    dropped.push(record._id);
  }
  // This process stops writing there at once; the others within a minute.
  if (dropped.length > 0) await versions.generations.refresh();
  return dropped;
}

/**
 * The generations that hold versions whose replies the outbox journal has as pending: their
 * recovery reads them by number, so such a generation is not dropped yet.
 */
async function pendingGenerations(versions: VersionStore): Promise<Set<number>> {
  const generations = new Set<number>();
  for (const record of await versions.journal.pendingRecords()) {
    const split = record.id.lastIndexOf(':');
    const found = await versions.find(
      record.id.slice(0, split),
      Number(record.id.slice(split + 1)),
    );
    if (found) generations.add(found.generation);
  }
  return generations;
}
