import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';

/** What a journal entry says of its ids. */
export type JournalKind = 'pending' | 'settled';

/** One journal entry: ids recorded together, by which process, when (business clock). */
export interface JournalEntry {
  _id: string;
  kind: JournalKind;
  ids: string[];
  by: string;
  at: Date;
}

/** The name prefix of the journal's collections, one per minute of real time. */
export const JOURNAL_PREFIX = 'outbox_journal_';

export function journalCollection(db: Db, bucket: number): Collection<JournalEntry> {
  return db.collection<JournalEntry>(`${JOURNAL_PREFIX}${bucket}`);
}

interface Waiting {
  id: string;
  bucket: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Records ids in groups: the ids of one kind recorded in the same tick of the event loop go into
 * one document per bucket, written by one insert. On FerretDB v1 each document costs a row and
 * its JSON, so a group of turns shares one instead of paying one each; each id's promise
 * resolves once its group is durable.
 */
export class IdJournal {
  #queue: Waiting[] = [];
  #scheduled = false;
  #inFlight = 0;
  roundTrips = 0;

  constructor(
    private readonly db: Db,
    private readonly kind: JournalKind,
    private readonly by: string,
    private readonly now: () => Date,
    /** How long a group waits for more ids before it is written (0: the end of this tick). */
    private readonly lingerMs = 0,
    private readonly maxConcurrent = 2,
  ) {}

  record(id: string, bucket: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ id, bucket, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.maxConcurrent || this.#queue.length === 0) return;
    this.#scheduled = true;
    const later = (write: () => void) =>
      this.lingerMs > 0 ? setTimeout(write, this.lingerMs) : setImmediate(write);
    later(() => {
      this.#scheduled = false;
      const group = this.#queue.splice(0);
      const byBucket = new Map<number, Waiting[]>();
      for (const w of group) {
        const same = byBucket.get(w.bucket);
        if (same) same.push(w);
        else byBucket.set(w.bucket, [w]);
      }
      for (const [bucket, waiting] of byBucket) void this.#write(bucket, waiting);
    });
  }

  async #write(bucket: number, group: Waiting[]): Promise<void> {
    this.#inFlight++;
    this.roundTrips++;
    try {
      await journalCollection(this.db, bucket).insertOne({
        _id: randomUUID(),
        kind: this.kind,
        ids: group.map((w) => w.id),
        by: this.by,
        at: this.now(),
      });
      for (const w of group) w.resolve();
    } catch (error) {
      for (const w of group) w.reject(error);
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
  }
}
