import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { GroupInserter, insertOnce, type InsertOutcome } from '../../storage/index.ts';
import { ensureCollection, modelOn } from '../model-on.ts';
import { catchUpUnclean } from './tally-catch-up.ts';
import { readStored } from './tally-read.ts';
import {
  shardId,
  type CaughtDocument,
  type ClaimDocument,
  type Counts,
  type ReportDay,
  type ShardDocument,
  type WriterDocument,
} from './tally-documents.ts';

const shardSchema = new Schema<ShardDocument>(
  {
    _id: String,
    day: String,
    country: String,
    writer: String,
    counts: [new Schema({ k: String, n: Number }, { _id: false })],
    upTo: Number,
    written: Number,
  },
  { collection: 'report_days', versionKey: false },
);

const writerSchema = new Schema<WriterDocument>(
  { _id: String, at: Date, clean: Boolean, v: Number },
  { collection: 'report_writers', versionKey: false },
);

const countedSchema = new Schema<ClaimDocument>(
  {
    _id: String,
    day: String,
    country: String,
    counts: [new Schema({ k: String, n: Number }, { _id: false })],
    writer: String,
    seq: Number,
  },
  { collection: 'report_counted', versionKey: false },
);

const caughtSchema = new Schema<CaughtDocument>(
  {
    _id: String,
    day: String,
    country: String,
    writer: String,
    seq: Number,
    counts: [new Schema({ k: String, n: Number }, { _id: false })],
  },
  { collection: 'report_caught', versionKey: false },
);

/** Real milliseconds before a failed shard write (or claim lookup) is tried again. */
const RETRY_MS = 1_000;
/**
 * Lookups of a claim whose insert failed before it is taken as not stored: past them (the
 * database unreachable for this long) a claim that did land is counted by nobody.
 */
const LOOKUP_TRIES = 3;
/**
 * Real milliseconds after a failed shard write during which `written` does not advance: that
 * write may still be applied by the server, after a later one, and take its shard back below
 * what `written` would say. (A condition on `upTo` in the replace would refuse it, but makes the
 * embedded database scan the shards: 155 ms a write over 5,000 shards, against 3.5 ms by `_id`.)
 */
const HOLD_WRITTEN_MS = 60_000;

interface Shard {
  day: ReportDay;
  country: string;
  counts: Map<string, number>;
}

/**
 * Per-day summary counts for the supervisor reports, written as cases change (issue 16).
 *
 * Decision 0 without atomic updates: an event is counted only by the process whose insert of
 * its key into `report_counted` succeeds (unique `_id`), so an event seen twice — a retried
 * turn, a second process — counts once. The counts themselves live in per-day, per-country
 * shards of which each writer (one `DailyTally`, a random id per instance) is the only writer:
 * it replaces its own shard from what it holds in memory, so two processes never overwrite each
 * other's counts, and a report sums the shards of its days. A restarted process writes new
 * shards under a new id; the old ones stay and are summed too.
 *
 * Issue 17: the shard write is off the turn — `countOnce` resolves once the claim is inserted.
 * The claim carries the counts it adds, its writer and the writer's running number (`seq`), and
 * each shard the number it is written up to (`upTo`): it holds exactly its writer's claims of
 * its day and country numbered up to that. A process that dies before writing its shards
 * leaves claims beyond them; a catch-up (`catchUp`: at start, and on a schedule in one process,
 * `TallyCatchUpSchedule`) copies them by insert into `report_caught` under their own keys, and a
 * report adds those past their shard's `upTo` (`tally-read.ts`). No stored document is ever
 * changed by anyone but its one writer. A report read in this process folds in this writer's
 * counts from memory, written or not.
 */
export class DailyTally {
  readonly shards: Model<ShardDocument>;
  readonly counted: Model<ClaimDocument>;
  /** Every writer that ever wrote a shard: a report reads shards by `_id`, day × writer. */
  readonly writers: Model<WriterDocument>;
  /** Claims caught up from writers that did not write them (issue 17). */
  readonly caught: Model<CaughtDocument>;
  #registered: Promise<unknown> | null = null;
  readonly #claims: GroupInserter;
  readonly #writer = randomUUID();
  readonly #mine = new Map<string, Shard>();
  readonly #dirty = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  #pending: Promise<void> | null = null;
  /** This writer's claims so far (the last `seq` given). */
  #seq = 0;
  /** Every claim up to this number has been added to the shards in memory (or was a repeat). */
  #applied = 0;
  /** Every claim up to this number is in its stored shard: the `upTo` of the last full write. */
  #written = 0;
  /** Until this timer fires, `#written` stays (`HOLD_WRITTEN_MS`). */
  #holdWritten: NodeJS.Timeout | null = null;
  /** Claims whose insert ended, waiting for the ones numbered before them. */
  readonly #settled = new Map<number, ClaimDocument | null>();
  readonly #waiting = new Map<number, () => void>();
  /** Marked clean by `stop`: a count after that unmarks it before its claim. */
  #markedClean: boolean | Promise<unknown> = false;
  #retry: NodeJS.Timeout | null = null;
  /** A shard write failed (the database did not answer); tried again after `RETRY_MS`. */
  onError: ((error: unknown) => void) | null = null;

  constructor(connection: Connection) {
    this.shards = modelOn(connection, 'ReportDay', shardSchema);
    this.counted = modelOn(connection, 'ReportCounted', countedSchema);
    this.writers = modelOn(connection, 'ReportWriter', writerSchema);
    this.caught = modelOn(connection, 'ReportCaught', caughtSchema);
    this.#claims = new GroupInserter(this.counted.collection);
  }

  /** Creates the collections and catches up the counts dead writers left unwritten. */
  async init(): Promise<void> {
    await ensureCollection(this.shards);
    await ensureCollection(this.counted);
    await ensureCollection(this.writers);
    await ensureCollection(this.caught);
    await this.catchUp();
  }

  /**
   * Counts one event, once: `eventKey` names it (`opened:<case>`, `sla-response:<case>` …);
   * whoever inserts the key first counts it. Resolves once the claim is stored (true) — the
   * claim carries the counts, the shard is written after — or when the event had been counted
   * already (false).
   */
  async countOnce(
    eventKey: string,
    day: ReportDay,
    country: string,
    counts: Counts,
  ): Promise<boolean> {
    const added = Object.entries(counts)
      .filter(([, n]) => n !== 0)
      .map(([k, n]) => ({ k, n }));
    // Known before its first claim, so that a catch-up finds this writer's claims.
    await this.#register();
    // A catch-up skips a writer marked clean: never a claim while it is.
    if (this.#markedClean !== false) await this.#unmark();
    const seq = ++this.#seq;
    const claim: ClaimDocument = {
      _id: eventKey,
      day,
      country,
      counts: added,
      writer: this.#writer,
      seq,
    };
    const applied = new Promise<void>((resolve) => this.#waiting.set(seq, resolve));
    let outcome: InsertOutcome;
    try {
      outcome = await this.#claims.insert(claim);
    } catch (error) {
      // The insert may have landed with its answer lost: a claim stored and left out of the
      // shard (written past its number) would count nowhere, and the turn's retry would find
      // it taken. Look before settling.
      const stored = await this.#storedClaim(claim).catch(() => null);
      this.#settle(seq, stored ? claim : null);
      await applied;
      if (stored) return true;
      throw error;
    }
    this.#settle(seq, outcome === 'inserted' ? claim : null);
    await applied;
    return outcome === 'inserted';
  }

  /** Whether this very claim (its key, this writer, its number) is stored; tried a few times. */
  async #storedClaim(claim: ClaimDocument): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        const found = await this.counted.findById(claim._id, { writer: 1, seq: 1 }).lean();
        return found?.writer === claim.writer && found?.seq === claim.seq;
      } catch (error) {
        if (attempt >= LOOKUP_TRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /**
   * Claims are numbered before their inserts, which end in any order; they are added to the
   * shards in their numbers' order, so that a shard holds exactly its claims up to `#applied`
   * (what its `upTo` says when written) and a catch-up adds neither too few nor too many.
   */
  #settle(seq: number, claim: ClaimDocument | null): void {
    this.#settled.set(seq, claim);
    while (this.#settled.has(this.#applied + 1)) {
      const next = this.#applied + 1;
      const added = this.#settled.get(next)!;
      this.#settled.delete(next);
      this.#applied = next;
      if (added) this.#add(added.day, added.country!, added.counts!);
      this.#waiting.get(next)?.();
      this.#waiting.delete(next);
    }
  }

  #unmark(): Promise<unknown> {
    if (this.#markedClean === true)
      this.#markedClean = this.writers
        .updateOne({ _id: this.#writer }, { $set: { clean: false } })
        .then(
          () => (this.#markedClean = false),
          (error: unknown) => {
            this.#markedClean = true;
            throw error;
          },
        );
    return this.#markedClean as Promise<unknown>;
  }

  #register(): Promise<unknown> {
    this.#registered ??= insertOnce(() =>
      this.writers.create({ _id: this.#writer, at: new Date(), v: 2 }),
    ).catch((error: unknown) => {
      this.#registered = null;
      throw error;
    });
    return this.#registered;
  }

  /** Resolves once every count this writer holds is written to its shards. */
  async flush(): Promise<void> {
    while (this.#dirty.size > 0 || this.#pending) await this.#schedule();
  }

  /** A clean stop: every count written, and this writer marked as having none unwritten. */
  async stop(): Promise<void> {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    await this.flush();
    if (this.#registered === null) return; // never counted anything
    await this.writers.updateOne({ _id: this.#writer }, { $set: { clean: true } });
    this.#markedClean = true;
  }

  #add(day: ReportDay, country: string, counts: { k: string; n: number }[]): void {
    const id = shardId(day, country, this.#writer);
    let shard = this.#mine.get(id);
    if (!shard) {
      shard = { day, country, counts: new Map() };
      this.#mine.set(id, shard);
    }
    for (const { k, n } of counts) shard.counts.set(k, (shard.counts.get(k) ?? 0) + n);
    this.#dirty.add(id);
    this.#kick();
  }

  /** Starts a shard write unless one is queued; a failed one is tried again later. */
  #kick(): void {
    if (this.#pending) return;
    this.#schedule().catch((error: unknown) => {
      this.onError?.(error);
      this.#retry ??= setTimeout(() => {
        this.#retry = null;
        if (this.#dirty.size > 0) this.#kick();
      }, RETRY_MS);
      this.#retry.unref();
    });
  }

  /**
   * Writes of this writer's shards run one at a time; counts added while one runs go in the
   * next, which every caller of that time waits for (group commit).
   */
  #schedule(): Promise<void> {
    if (this.#pending) return this.#pending;
    const next = this.#chain.then(() => {
      this.#pending = null;
      return this.#writeDirty();
    });
    this.#pending = next;
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #writeDirty(): Promise<void> {
    const ids = [...this.#dirty];
    this.#dirty.clear();
    if (ids.length === 0) return;
    // Taken together, with no wait between: each shard holds exactly its claims up to `upTo`,
    // which a report relies on to leave out the caught copies of those claims.
    const upTo = this.#applied;
    const docs = ids.map((id) => {
      const shard = this.#mine.get(id)!;
      const doc: Omit<ShardDocument, '_id'> = {
        day: shard.day,
        country: shard.country,
        writer: this.#writer,
        counts: [...shard.counts].map(([k, n]) => ({ k, n })),
        upTo,
        written: this.#written,
      };
      return [id, doc] as const;
    });
    try {
      await Promise.all(
        docs.map(([id, doc]) => this.shards.replaceOne({ _id: id }, doc, { upsert: true })),
      );
    } catch (error) {
      for (const id of ids) this.#dirty.add(id);
      if (this.#holdWritten) clearTimeout(this.#holdWritten);
      this.#holdWritten = setTimeout(() => (this.#holdWritten = null), HOLD_WRITTEN_MS);
      this.#holdWritten.unref();
      throw error;
    }
    if (!this.#holdWritten) this.#written = Math.max(this.#written, upTo);
  }

  /**
   * The counts of each day of `[from, to]` (inclusive) for a country, every writer's shards
   * summed, with the claims caught up from writers that did not write them. Reads the summary
   * shards only, never the cases, and by `_id` (day × writer): on the embedded database a read
   * by any other field scans the collection (the caught claims are read so: a few per killed
   * process).
   */
  async read(country: string, from: ReportDay, to: ReportDay): Promise<Map<ReportDay, Counts>> {
    const stored = await readStored(this, country, from, to, this.#writer);
    const days = new Map<ReportDay, Counts>();
    const add = (day: ReportDay, entries: Iterable<[string, number]>) => {
      const counts = days.get(day) ?? {};
      for (const [k, n] of entries) counts[k] = (counts[k] ?? 0) + n;
      days.set(day, counts);
    };
    for (const doc of stored)
      add(
        doc.day,
        doc.counts.map(({ k, n }) => [k, n]),
      );
    // This writer's shards from memory: what is stored of them, and what is not yet.
    for (const shard of this.#mine.values()) {
      if (shard.country === country && shard.day >= from && shard.day <= to)
        add(shard.day, shard.counts);
    }
    return days;
  }

  /**
   * Catches up the counts of writers that did not stop cleanly (a killed process) by inserting
   * copies of their unwritten claims (`tally-catch-up.ts`); run at start and on a schedule.
   * Returns how many claims this call caught up.
   */
  catchUp(): Promise<number> {
    return catchUpUnclean(this, this.#writer);
  }
}
