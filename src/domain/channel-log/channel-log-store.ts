import type { Db } from 'mongodb';
import { LRUCache } from 'lru-cache';
import { Schema, type Collection, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '../errors.ts';
import { ensureCollection, modelOn } from '../model-on.ts';
import type { ChannelLogs, LoggedEntry } from './ports.ts';

interface LogEntryDocument {
  /** `<scope>|<number, 9 digits>`: the number is the key, so it is taken once. */
  _id: string;
  at: Date;
  entry: Record<string, unknown>;
}

const logEntrySchema = new Schema<LogEntryDocument>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    entry: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'channel_log', versionKey: false, minimize: false },
);

/** Point reads made at once while reading a scope forward (`$in` is no index read here). */
const READ_AHEAD = 8;
/** Attempts to append before giving up: each loses only to another process's append. */
const APPEND_ATTEMPTS = 20;
/** Scopes whose end this process remembers (the rest are found again by a few reads). */
const KEPT_ENDS = 20_000;
/**
 * How long a remembered end is trusted: less than the shortest time retention keeps an idle
 * scope (one day, issue 17), so an append never follows an end that was swept away.
 */
const END_KEPT_MS = 3_600_000;

/**
 * A scope named by its UTC day (`<name>.<YYYY-MM-DD>`, the agent desk's events): appended to on
 * that day only, so it lives in a collection of its own, `channel_log_<name>_<YYYYMMDD>`,
 * dropped whole when it is old (issue 17: never one delete per document).
 */
const DATED_SCOPE = /^([a-z]+)\.(\d{4})-(\d{2})-(\d{2})$/;
const DATED_PREFIX = 'channel_log_';
const DATED_COLLECTION = /^channel_log_[a-z]+_(\d{4})(\d{2})(\d{2})$/;

/**
 * The channels' logs in the database, one document per entry under `<scope>|<number>`: in
 * `channel_log`, or a day's collection for a dated scope. Every read is by `_id` (a lookup on
 * the embedded FerretDB, never a scan): the end of a scope is found by doubling then halving,
 * and remembered per process.
 */
export class ChannelLogStore implements ChannelLogs {
  readonly model: Model<LogEntryDocument>;
  readonly #connection: Connection;
  /** The next free number of a scope as this process last saw it, and the last instant. */
  readonly #ends = new LRUCache<string, { next: number; lastAt: number }>({
    max: KEPT_ENDS,
    ttl: END_KEPT_MS,
  });
  /** Each scope's last append in this process, the next one waits for. */
  readonly #tails = new Map<string, Promise<void>>();

  constructor(connection: Connection) {
    this.#connection = connection;
    this.model = modelOn(connection, 'ChannelLogEntry', logEntrySchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  /** Appends in this process go one at a time per scope: they race only other processes. */
  async append(scope: string, entry: Record<string, unknown>, now: Date): Promise<LoggedEntry> {
    checkScope(scope);
    const before = this.#tails.get(scope) ?? Promise.resolve();
    const appended = before.then(() => this.#append(scope, entry, now));
    const tail = appended.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(scope, tail);
    void tail.then(() => {
      if (this.#tails.get(scope) === tail) this.#tails.delete(scope);
    });
    return appended;
  }

  async #append(scope: string, entry: Record<string, unknown>, now: Date): Promise<LoggedEntry> {
    let end = this.#ends.get(scope) ?? (await this.#findEnd(scope, 0));
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const at = new Date(Math.max(now.getTime(), end.lastAt + 1));
      try {
        await this.#entries(scope).insertOne({ _id: idOf(scope, end.next), at, entry });
        this.#ends.set(scope, { next: end.next + 1, lastAt: at.getTime() });
        return { number: end.next, at, entry };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Another process took the number: the end is further on.
        end = await this.#findEnd(scope, end.next);
      }
    }
    throw new Error(`channel log ${scope}: no free number after ${APPEND_ATTEMPTS} attempts`);
  }

  async read(scope: string, from: number, limit: number): Promise<LoggedEntry[]> {
    checkScope(scope);
    const found: LoggedEntry[] = [];
    let next = Math.max(0, Math.floor(from));
    while (found.length < limit) {
      const batch = Math.min(READ_AHEAD, limit - found.length);
      const docs = await Promise.all(
        Array.from({ length: batch }, (_, i) => this.#get(scope, next + i)),
      );
      for (const doc of docs) {
        if (!doc) return found;
        found.push({ number: next++, at: doc.at, entry: doc.entry });
      }
    }
    return found;
  }

  async end(scope: string): Promise<number> {
    checkScope(scope);
    const end = await this.#findEnd(scope, 0);
    this.#ends.set(scope, end);
    return end.next;
  }

  /** The first free number at or after `from` (known taken below it), and the last instant. */
  async #findEnd(scope: string, from: number): Promise<{ next: number; lastAt: number }> {
    let lastAt = 0;
    const taken = async (n: number) => {
      const doc = await this.#get(scope, n);
      if (doc) lastAt = Math.max(lastAt, doc.at.getTime());
      return doc !== null;
    };
    if (!(await taken(from))) {
      if (from > 0) {
        const before = await this.#get(scope, from - 1);
        if (before) lastAt = before.at.getTime();
      }
      return { next: from, lastAt };
    }
    // Doubling finds a free number past the end, halving the first one (no gaps).
    let low = from;
    let step = 1;
    while (await taken(low + step)) {
      low += step;
      step *= 2;
    }
    let high = low + step;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await taken(middle)) low = middle;
      else high = middle;
    }
    const last = await this.#get(scope, low);
    return { next: high, lastAt: Math.max(lastAt, last?.at.getTime() ?? 0) };
  }

  #get(scope: string, n: number): Promise<LogEntryDocument | null> {
    return this.#entries(scope).findOne({ _id: idOf(scope, n) });
  }

  /** Where a scope's entries live: its day's collection, or `channel_log`. */
  #entries(scope: string): Collection<LogEntryDocument> {
    const dated = DATED_SCOPE.exec(scope);
    if (!dated) return this.model.collection as unknown as Collection<LogEntryDocument>;
    const [, name, year, month, date] = dated;
    return this.#connection.collection<LogEntryDocument>(
      `${DATED_PREFIX}${name}_${year}${month}${date}`,
    );
  }
}

function idOf(scope: string, n: number): string {
  return `${scope}|${String(n).padStart(9, '0')}`;
}

function checkScope(scope: string): void {
  if (scope === '' || scope.includes('|')) throw new Error(`bad channel log scope: ${scope}`);
}

/**
 * Drops the dated scopes' collections of the days before `day`'s, whole (issue 17); returns
 * their names. Safe while processes append: a past day is appended to no more, and a process
 * forgets a scope's end within the hour (END_KEPT_MS), far less than any keep time. Another
 * process dropping the same day at once is no error.
 */
export async function dropLogDaysBefore(
  db: Pick<Db, 'listCollections' | 'collection'>,
  day: Date,
): Promise<string[]> {
  const cut = day.toISOString().slice(0, 10).replaceAll('-', '');
  const dropped: string[] = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const found = DATED_COLLECTION.exec(name);
    if (!found || found.slice(1).join('') >= cut) continue;
    await db
      .collection(name)
      .drop()
      .catch(() => undefined);
    dropped.push(name);
  }
  return dropped;
}
