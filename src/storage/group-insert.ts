import type { Collection, Document, MongoBulkWriteError } from 'mongodb';
import { Batcher, type Queued } from './batcher.ts';
import { isDuplicateKeyError } from './duplicate-key.ts';

/** What became of one document of a group insert. */
export type InsertOutcome = 'inserted' | 'duplicate';

/**
 * Group commit (decision 1): inserts queued in the same tick share one
 * `insertMany({ ordered: false })`. Duplicate-key errors come back per document as
 * 'duplicate' — "someone else did it" — and never fail the others.
 */
export class GroupInserter {
  readonly #batcher: Batcher<Document, InsertOutcome>;

  constructor(collection: Collection, maxBatch = 500, maxConcurrent = 2) {
    this.#batcher = new Batcher((batch) => insertBatch(collection, batch), {
      maxBatch,
      maxConcurrent,
    });
  }

  /** Round trips made, for the benchmark and metrics. */
  get roundTrips(): number {
    return this.#batcher.roundTrips;
  }

  /** Resolves once the inserts queued now are written (a clean stop). */
  flush(): Promise<void> {
    return this.#batcher.flush();
  }

  insert(doc: Document): Promise<InsertOutcome> {
    return this.#batcher.add(doc);
  }
}

async function insertBatch(
  collection: Collection,
  batch: Queued<Document, InsertOutcome>[],
): Promise<void> {
  if (batch.length === 1) {
    const only = batch[0]!;
    try {
      await collection.insertOne(only.item);
      only.resolve('inserted');
    } catch (error) {
      if (isDuplicateKeyError(error)) only.resolve('duplicate');
      else only.reject(error);
    }
    return;
  }
  try {
    await collection.insertMany(
      batch.map((p) => p.item),
      { ordered: false },
    );
    for (const p of batch) p.resolve('inserted');
  } catch (error) {
    const writeErrors = (error as MongoBulkWriteError).writeErrors;
    // No per-document errors: the write as a whole failed (the driver reports a broken
    // connection as a MongoBulkWriteError with none), so nothing is known to be inserted.
    if (!writeErrors || (Array.isArray(writeErrors) && writeErrors.length === 0)) throw error;
    const failed = new Map<number, unknown>();
    for (const w of Array.isArray(writeErrors) ? writeErrors : [writeErrors])
      failed.set(w.index, w);
    batch.forEach((p, i) => {
      const w = failed.get(i);
      if (w === undefined) p.resolve('inserted');
      else if (isDuplicateKeyError(w)) p.resolve('duplicate');
      else p.reject(w);
    });
  }
}

/**
 * One insert that carries a "once" guarantee (a closure, a claim): true when this call inserted
 * the document, false when its unique key was already taken (decision 0).
 */
export async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
