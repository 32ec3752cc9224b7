import type { Collection, Document, MongoBulkWriteError } from 'mongodb';
import { isDuplicateKeyError } from './errors.ts';

/** What became of one document of a group insert. */
export type InsertOutcome = 'inserted' | 'duplicate';

interface Pending {
  doc: Document;
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit (decision 1): inserts queued in the same tick share one
 * `insertMany({ ordered: false })`. Duplicate-key errors come back per document as
 * 'duplicate' — "someone else did it" — and never fail the others.
 */
export class GroupInserter {
  #queue: Pending[] = [];
  #scheduled = false;
  #inFlight = 0;
  /** Round trips made, for the benchmark and metrics. */
  roundTrips = 0;

  constructor(
    private readonly collection: Collection,
    private readonly maxBatch = 500,
    private readonly maxConcurrent = 2,
  ) {}

  insert(doc: Document): Promise<InsertOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ doc, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.maxConcurrent || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const batch = this.#queue.splice(0, this.maxBatch);
      if (batch.length > 0) void this.#flush(batch);
      this.#schedule();
    });
  }

  async #flush(batch: Pending[]): Promise<void> {
    this.#inFlight++;
    this.roundTrips++;
    try {
      if (batch.length === 1) {
        const only = batch[0]!;
        try {
          await this.collection.insertOne(only.doc);
          only.resolve('inserted');
        } catch (error) {
          if (isDuplicateKeyError(error)) only.resolve('duplicate');
          else only.reject(error);
        }
        return;
      }
      try {
        await this.collection.insertMany(
          batch.map((p) => p.doc),
          { ordered: false },
        );
        for (const p of batch) p.resolve('inserted');
      } catch (error) {
        const writeErrors = (error as MongoBulkWriteError).writeErrors;
        if (!writeErrors) {
          for (const p of batch) p.reject(error);
          return;
        }
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
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
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
