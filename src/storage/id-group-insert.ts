import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { Batcher } from './batcher.ts';

/**
 * Records ids in groups: the ids recorded within one tick (or `lingerMs`) go into one document,
 * written by one insert. On FerretDB v1 each document costs a row and its JSON, so a group of
 * callers shares one instead of paying one each; each id's promise resolves once its group is
 * durable. `documentOf` makes the document that holds a group's ids.
 */
export class IdGroupInserter<D extends Document> {
  readonly #batcher: Batcher<string, void>;

  constructor(
    collection: Collection<D>,
    documentOf: (ids: string[]) => OptionalUnlessRequiredId<D>,
    options: { lingerMs?: number; maxConcurrent?: number } = {},
  ) {
    this.#batcher = new Batcher<string, void>(async (batch) => {
      await collection.insertOne(documentOf(batch.map((queued) => queued.item)));
      for (const queued of batch) queued.resolve();
    }, options);
  }

  /** Round trips made, for the benchmark and metrics. */
  get roundTrips(): number {
    return this.#batcher.roundTrips;
  }

  /** Writes the groups gathering now and resolves once they are written (a clean stop). */
  flush(): Promise<void> {
    return this.#batcher.flush();
  }

  /** Resolves once the group holding `id` is written. */
  record(id: string): Promise<void> {
    return this.#batcher.add(id);
  }
}
