import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { DateTime } from 'luxon';
import { GroupInserter, insertOnce } from '../../storage/index.ts';
import { ensureCollection, modelOn } from '../model-on.ts';

/** A local calendar day of a country, `YYYY-MM-DD`. */
export type ReportDay = string;

/** Counts by metric key (`opened:channel:whatsapp` …) for one day. */
export type Counts = Record<string, number>;

interface ShardDocument {
  _id: string;
  day: ReportDay;
  country: string;
  writer: string;
  counts: { k: string; n: number }[];
}

const shardSchema = new Schema<ShardDocument>(
  {
    _id: String,
    day: String,
    country: String,
    writer: String,
    counts: [new Schema({ k: String, n: Number }, { _id: false })],
  },
  { collection: 'report_days', versionKey: false },
);

const writerSchema = new Schema<{ _id: string; at: Date }>(
  { _id: String, at: Date },
  { collection: 'report_writers', versionKey: false },
);

const countedSchema = new Schema<{ _id: string; day: string }>(
  { _id: String, day: String },
  { collection: 'report_counted', versionKey: false },
);

/** Shard lookups in flight at once while reading a report. */
const PARALLEL_READS = 16;
/**
 * Past this many shards (days × writers) a report scans the summaries instead of looking each
 * up: measured on the embedded database (bench/reports.ts), a lookup ~3-5 ms under load, a scan
 * of a year's summaries ~0.5-1 s.
 */
const MAX_LOOKUPS = 120;

/** Every day of `[from, to]`, both included. */
export function daysBetween(from: ReportDay, to: ReportDay): ReportDay[] {
  const days: ReportDay[] = [];
  const end = DateTime.fromISO(to, { zone: 'utc' });
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d <= end; d = d.plus({ days: 1 }))
    days.push(d.toISODate()!);
  return days;
}

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
 * The window left: a process that dies between claiming an event and writing its shard loses
 * that count (the write follows at once and `count` waits for it).
 */
export class DailyTally {
  readonly shards: Model<ShardDocument>;
  readonly counted: Model<{ _id: string; day: string }>;
  /** Every writer that ever wrote a shard: a report reads shards by `_id`, day × writer. */
  readonly writers: Model<{ _id: string; at: Date }>;
  #registered: Promise<unknown> | null = null;
  readonly #claims: GroupInserter;
  readonly #writer = randomUUID();
  readonly #mine = new Map<string, Shard>();
  readonly #dirty = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  #pending: Promise<void> | null = null;

  constructor(connection: Connection) {
    this.shards = modelOn(connection, 'ReportDay', shardSchema);
    this.counted = modelOn(connection, 'ReportCounted', countedSchema);
    this.writers = modelOn(connection, 'ReportWriter', writerSchema);
    this.#claims = new GroupInserter(this.counted.collection);
  }

  async init(): Promise<void> {
    await ensureCollection(this.shards);
    await ensureCollection(this.counted);
    await ensureCollection(this.writers);
  }

  /**
   * Counts one event, once: `eventKey` names it (`opened:<case>`, `sla-response:<case>` …);
   * whoever inserts the key first counts it. Resolves when the counts are written (true) or
   * when the event had been counted already (false).
   */
  async countOnce(
    eventKey: string,
    day: ReportDay,
    country: string,
    counts: Counts,
  ): Promise<boolean> {
    if ((await this.#claims.insert({ _id: eventKey, day })) !== 'inserted') return false;
    await this.#add(day, country, counts);
    return true;
  }

  #add(day: ReportDay, country: string, counts: Counts): Promise<void> {
    const id = `${day}|${country}|${this.#writer}`;
    let shard = this.#mine.get(id);
    if (!shard) {
      shard = { day, country, counts: new Map() };
      this.#mine.set(id, shard);
    }
    for (const [key, n] of Object.entries(counts)) {
      if (n !== 0) shard.counts.set(key, (shard.counts.get(key) ?? 0) + n);
    }
    this.#dirty.add(id);
    return this.#schedule();
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
    try {
      // Known before its first shard, so that a report never misses a writer's shards.
      this.#registered ??= insertOnce(() =>
        this.writers.create({ _id: this.#writer, at: new Date() }),
      );
      await this.#registered;
      await Promise.all(
        ids.map((id) => {
          const shard = this.#mine.get(id)!;
          const doc: Omit<ShardDocument, '_id'> = {
            day: shard.day,
            country: shard.country,
            writer: this.#writer,
            counts: [...shard.counts].map(([k, n]) => ({ k, n })),
          };
          return this.shards.replaceOne({ _id: id }, doc, { upsert: true });
        }),
      );
    } catch (error) {
      for (const id of ids) this.#dirty.add(id);
      this.#registered = null;
      throw error;
    }
  }

  /**
   * The counts of each day of `[from, to]` (inclusive) for a country, every writer's shards
   * summed. Reads the summary shards only, never the cases, and by `_id` (day × writer): on
   * the embedded database a read by any other field scans the collection.
   */
  async read(country: string, from: ReportDay, to: ReportDay): Promise<Map<ReportDay, Counts>> {
    const writers = (await this.writers.find().lean<{ _id: string }[]>()).map((w) => w._id);
    const ids = daysBetween(from, to).flatMap((day) =>
      writers.map((w) => `${day}|${country}|${w}`),
    );
    const docs =
      ids.length > MAX_LOOKUPS
        ? // A long period: one scan of the summaries costs less than hundreds of lookups.
          await this.shards.find({ country, day: { $gte: from, $lte: to } }).lean<ShardDocument[]>()
        : await this.#lookUp(ids);
    const days = new Map<ReportDay, Counts>();
    for (const doc of docs) {
      const counts = days.get(doc.day) ?? {};
      for (const { k, n } of doc.counts) counts[k] = (counts[k] ?? 0) + n;
      days.set(doc.day, counts);
    }
    return days;
  }

  /** Shards by `_id`, some at a time: each an index read (an `$in` is not, on FerretDB v1). */
  async #lookUp(ids: readonly string[]): Promise<ShardDocument[]> {
    const docs: ShardDocument[] = [];
    let next = 0;
    const reader = async () => {
      while (next < ids.length) {
        const doc = await this.shards.findById(ids[next++]!).lean<ShardDocument>();
        if (doc) docs.push(doc);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_READS }, reader));
    return docs;
  }
}
