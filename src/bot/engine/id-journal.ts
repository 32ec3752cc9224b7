import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';

/** One journal entry: the ids recorded together, by which process, when. */
export interface JournalEntry {
  _id: string;
  ids: string[];
  by: string;
  at: Date;
}

interface Waiting {
  id: string;
  resolve: (entryId: string) => void;
  reject: (error: unknown) => void;
}

/**
 * Records ids in groups: the ids recorded in the same tick of the event loop go into one
 * document, written by one insert. On FerretDB v1 each document costs a row, its JSON and
 * later a delete, so a group of turns shares one instead of paying one each; each id's
 * promise resolves once its group is durable.
 */
export class IdJournal {
  #queue: Waiting[] = [];
  #scheduled = false;
  #inFlight = 0;
  roundTrips = 0;

  constructor(
    private readonly collection: Collection<JournalEntry>,
    private readonly by: string,
    private readonly now: () => Date,
    /** Called with each entry once it is written, before any of its ids' promises resolve. */
    private readonly onWritten: (entry: JournalEntry) => void = () => undefined,
    private readonly maxConcurrent = 2,
  ) {}

  record(id: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ id, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.maxConcurrent || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const group = this.#queue.splice(0);
      if (group.length > 0) void this.#write(group);
    });
  }

  async #write(group: Waiting[]): Promise<void> {
    this.#inFlight++;
    this.roundTrips++;
    const entry: JournalEntry = {
      _id: randomUUID(),
      ids: group.map((w) => w.id),
      by: this.by,
      at: this.now(),
    };
    try {
      await this.collection.insertOne(entry);
      this.onWritten(entry);
      for (const w of group) w.resolve(entry._id);
    } catch (error) {
      for (const w of group) w.reject(error);
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
  }
}
