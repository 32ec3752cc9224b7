import type { Collection, Db, Document } from 'mongodb';
import { dropLogDaysBefore } from '../../domain/channel-log/index.ts';

/** What one sweep is told. */
export interface SweepOptions {
  /** The business clock's now. */
  now: Date;
  /** Keys younger than this are kept (ATIENDE_KEYS_KEEP_DAYS). */
  keepMs: number;
  /** Documents deleted per command. */
  batch?: number;
  /** Documents deleted per collection and run at most: a run's hold on the writer is bounded. */
  max?: number;
}

/** What a sweep deleted, by collection, and the collections of past days it dropped whole. */
export interface SweepReport {
  deleted: Record<string, number>;
  dropped: string[];
  ms: number;
}

/**
 * A collection of keys that guard something for a while only, and when a key has done its
 * work (issue 17). `field` is the instant compared; `older` is true for a key to delete when
 * that instant is before `before` (now less the keep time, or now for what expires); `keep`
 * spares keys that must outlive it.
 */
interface Kept {
  collection: string;
  field: string;
  /** The cut-off for this collection. */
  before: (now: Date, keepMs: number) => Date;
  keep?: (id: string) => boolean;
}

/** A swept document's `_id`. */
type Key = string | number;

const kept = (now: Date, keepMs: number) => new Date(now.getTime() - keepMs);

/**
 * The keys swept, and why each may go (docs/RETENTION.md):
 * - an effect's claim and result protect a turn retried or a message redelivered before its
 *   version was stored; after the keep time its version is stored or the message is gone;
 * - a channel's `sent:` mark protects a reply resent by recovery after a crash (minutes), a
 *   `claim:` mark a button pressed twice; `unreachable:` marks stay until the customer writes;
 * - an agent's session is refused once expired: nothing reads it after;
 * - an account code and its issue, tries and use: the code expired, the keep time ago;
 * - a mail's attempts, failures and outcome: its id names its event (`case:<n>:opened`, a
 *   folio's visit, a code), queued again only by that event's retried turn or its check timer
 *   (a minute), and its tries end within hours (delivery-plan.ts), so after the keep time none
 *   can be queued or tried again; the pending mails (`mail_outbox`) are never swept;
 * - a scheduled run's claim (compaction, the reports' catch-up): its period is past.
 */
const KEPT: readonly Kept[] = [
  { collection: 'effect_claims', field: 'at', before: kept },
  { collection: 'effect_results', field: 'at', before: kept },
  {
    collection: 'channel_marks',
    field: 'at',
    before: kept,
    keep: (id) => id.startsWith('unreachable:'),
  },
  { collection: 'agent_sessions', field: 'expiresAt', before: (now) => now },
  { collection: 'account_codes', field: 'expiresAt', before: kept },
  { collection: 'account_code_issues', field: 'expiresAt', before: kept },
  { collection: 'account_code_tries', field: 'at', before: kept },
  { collection: 'account_code_uses', field: 'at', before: kept },
  { collection: 'mail_attempts', field: 'at', before: kept },
  { collection: 'mail_failures', field: 'at', before: kept },
  { collection: 'mail_outcomes', field: 'at', before: kept },
  { collection: 'compaction_runs', field: 'at', before: kept },
  { collection: 'report_catch_up_runs', field: 'at', before: kept },
];

/**
 * Deletes the keys that have done their work (issue 17), by `_id`, in bounded batches: the
 * collections above, and the channel logs' scopes that are over (see `sweepChannelLog`). Their
 * keys carry no period (an effect key names an input, a mark a delivery), so they cannot live
 * in collections dropped whole: finding the old ones is one scan per collection (FerretDB v1
 * filters on no other field without one), made in the compaction run, once a period.
 */
export async function sweepKeys(db: Db, options: SweepOptions): Promise<SweepReport> {
  const started = performance.now();
  const deleted: Record<string, number> = {};
  for (const k of KEPT) {
    const collection = db.collection<{ _id: Key } & Document>(k.collection);
    const before = k.before(options.now, options.keepMs);
    const ids: Key[] = [];
    const cursor = collection.find(
      { [k.field]: { $lt: before } },
      { projection: { _id: 1 }, batchSize: 1000 },
    );
    for await (const { _id } of cursor) {
      // Keys are strings, but a run's claim is its period's number.
      if (typeof _id === 'string' ? k.keep?.(_id) : typeof _id !== 'number') continue;
      ids.push(_id);
      if (ids.length >= (options.max ?? 100_000)) break;
    }
    await cursor.close();
    deleted[k.collection] = await deleteByIds(collection, ids, options.batch);
  }
  deleted.channel_log = await sweepChannelLog(db, options);
  // The agent desk's days, each in its own collection since issue 17: dropped whole.
  const dropped = await dropLogDaysBefore(db, kept(options.now, options.keepMs));
  return { deleted, dropped, ms: Math.round(performance.now() - started) };
}

/**
 * Channel log scopes in `channel_log` that are over: a day of the agent desk's events
 * (`desk.<UTC day>`, appended to only on its day; stored there before issue 17 moved each day
 * to a collection of its own) and a web chat conversation's activities (`dlc_<id>`), whose
 * last entry is older than the keep time: a conversation idle that long is shown from that
 * point on as a new one. A scope goes whole or not at all: its numbers start at 0 without
 * gaps, and a reader looks for its end from there (a process forgets a scope's end after an
 * hour, less than the shortest keep time: it never appends after a scope swept away).
 */
export async function sweepChannelLog(db: Db, options: SweepOptions): Promise<number> {
  const log = db.collection<{ _id: string; at: Date }>('channel_log');
  const before = kept(options.now, options.keepMs).getTime();
  const scopes = new Map<string, { ids: string[]; last: number }>();
  const cursor = log.find({}, { projection: { _id: 1, at: 1 }, batchSize: 1000 });
  for await (const { _id, at } of cursor) {
    const bar = _id.lastIndexOf('|');
    const scope = _id.slice(0, bar);
    if (!isOverWhenIdle(scope)) continue;
    const entry = scopes.get(scope) ?? { ids: [], last: 0 };
    entry.ids.push(_id);
    entry.last = Math.max(entry.last, at.getTime());
    scopes.set(scope, entry);
  }
  const ids: string[] = [];
  for (const { ids: of, last } of scopes.values()) {
    if (last >= before || ids.length + of.length > (options.max ?? 100_000)) continue;
    // The highest numbers first: a reader meeting the scope mid-way finds it shorter, never
    // a gap at 0 that it would take for the scope's end and append over.
    ids.push(...of.sort().reverse());
  }
  return deleteByIds(log as unknown as Collection<{ _id: Key } & Document>, ids, options.batch);
}

/** The scopes that end: desk days and Direct Line conversations (never the token key log). */
const isOverWhenIdle = (scope: string) =>
  /^desk\.\d{4}-\d{2}-\d{2}$/.test(scope) || scope.startsWith('dlc_');

/** Deletes by `_id` equality (FerretDB looks each up in the index), `batch` per command. */
async function deleteByIds(
  collection: Collection<{ _id: Key } & Document>,
  ids: readonly Key[],
  batch = 1000,
): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < ids.length; start += batch) {
    const result = await collection.bulkWrite(
      ids.slice(start, start + batch).map((_id) => ({ deleteOne: { filter: { _id } } })),
      { ordered: true },
    );
    deleted += result.deletedCount;
  }
  return deleted;
}
