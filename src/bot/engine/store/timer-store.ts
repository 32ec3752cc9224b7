import type { CaseNumber } from '../../../domain/cases/case.ts';
import type { SlaGoal } from '../../../domain/policy/index.ts';
import type { Collection, Db } from 'mongodb';
import {
  GroupInserter,
  insertOnce,
  numberedCollections,
  type InsertOutcome,
} from '../../../storage/index.ts';
import type { Deadline } from '../state.ts';

/** A durable deadline (decision 2): a conversation's (chat limit) or a case's (SLA watch). */
export type TimerDocument = ConversationTimer | CaseTimer;
/** A conversation's deadline (R001-7: the session's chat limit), fed to the engine. */
export interface ConversationTimer {
  _id: string;
  kind: Deadline['kind'];
  conversationId: string;
  dueAt: Date;
}
/**
 * A case's SLA deadline: its first-contact time (R002-5), or its response time, after which
 * level 1 hands it to level 2 (R003-8).
 */
export interface CaseTimer {
  _id: string;
  /**
   * Issue 16 adds `visitReminder` (before a visit: `folioNumber`, `visitStart`),
   * `caseConfirmation` (a case waiting for the customer's confirmation closes by itself:
   * `conversationId`, `since`) and `caseSla` (a warning or due instant of the SLA watch: `goal`,
   * `phase`).
   */
  kind: 'caseFirstContact' | 'caseResponse' | 'visitReminder' | 'caseConfirmation' | 'caseSla';
  caseNumber: CaseNumber;
  dueAt: Date;
  folioNumber?: string;
  visitStart?: Date;
  conversationId?: string | null;
  since?: Date;
  goal?: SlaGoal;
  phase?: 'warning' | 'due';
  /**
   * Issue 17: the first SLA timer of a case, written by the turn that opened it, is the durable
   * record of what follows the opening off that turn (its mail, its count): when it fires, those
   * are made sure of first.
   */
  opening?: boolean;
}

/** A process's claim on a due timer (decision 2): the first insert wins. */
export interface TimerClaim {
  _id: string;
  at: Date;
  by: string;
}

/** The name prefix of the timer collections, one per business-clock hour of due time. */
const TIMERS_PREFIX = 'timers_due_';
const TIMER_HOUR_MS = 3_600_000;
/** The name prefix of the claims on timers, one collection per hour of due time. */
const CLAIMS_PREFIX = 'timer_claims_due_';

function dueHourOf(at: Date): number {
  return Math.floor(at.getTime() / TIMER_HOUR_MS);
}

/**
 * Durable timers (decision 2), one collection per hour of due time (`timers_due_<hour>`): the
 * scheduler's poll reads the hours up to now, not every SLA deadline of every open case, which
 * on FerretDB v1 (no index but `_id`) would be a scan of them all each second. Claims are
 * unique inserts, one collection per hour too; an hour is dropped whole once it is over and
 * empty, never deleted from a document at a time but for cancelled and finished timers.
 */
export class TimerStore {
  readonly #db: Db;
  /** Timer inserts, one group inserter per due-hour collection. */
  readonly #inserts = new Map<number, GroupInserter>();
  /** Round trips of the inserters of hours already dropped. */
  #retiredRoundTrips = 0;
  #cancelled: { readonly id: string; readonly dueAt: Date }[] = [];

  constructor(db: Db) {
    this.#db = db;
  }

  /** Database round trips made by timer inserts (benchmark and metrics). */
  get roundTrips(): number {
    let sum = this.#retiredRoundTrips;
    for (const inserter of this.#inserts.values()) sum += inserter.roundTrips;
    return sum;
  }

  /** The collection that holds (or will hold) a timer due at `dueAt`. */
  timersFor(dueAt: Date): Collection<TimerDocument> {
    return this.#dueIn(dueHourOf(dueAt));
  }

  /** Stores a timer (group commit with the others of this tick); 'duplicate' if it exists. */
  schedule(timer: TimerDocument): Promise<InsertOutcome> {
    const hour = dueHourOf(timer.dueAt);
    let inserter = this.#inserts.get(hour);
    if (!inserter) {
      inserter = new GroupInserter(this.#dueIn(hour) as unknown as Collection);
      this.#inserts.set(hour, inserter);
    }
    return inserter.insert(timer);
  }

  /**
   * Queues timers whose deadline was dropped (the session closed) for deletion with the next
   * `tidy`: a timer that fires first is ignored anyway.
   */
  cancel(timers: readonly { id: string; dueAt: Date }[]): void {
    this.#cancelled.push(...timers);
  }

  /**
   * Timers due at `now`: only the collections of hours up to now's are read, so the scheduler's
   * poll costs the timers of the hour, not every deadline of every open case.
   */
  async due(now: Date, limit = 500): Promise<TimerDocument[]> {
    const due: TimerDocument[] = [];
    const current = dueHourOf(now);
    for (const hour of await this.#hours()) {
      if (hour > current || due.length >= limit) break;
      due.push(
        ...(await this.#dueIn(hour)
          .find({ dueAt: { $lte: now } })
          .limit(limit - due.length)
          .toArray()),
      );
    }
    return due;
  }

  /** A timer by id and due time (tests, tools). */
  async timer(id: string, dueAt: Date): Promise<TimerDocument | null> {
    return this.timersFor(dueAt).findOne({ _id: id });
  }

  /** Every pending timer of a conversation (tests, tools: reads every hour's collection). */
  async timersOf(conversationId: string): Promise<TimerDocument[]> {
    const found: TimerDocument[] = [];
    for (const hour of await this.#hours()) {
      found.push(...(await this.#dueIn(hour).find({ conversationId }).toArray()));
    }
    return found;
  }

  /**
   * The conversations with a pending timer of `kind` due up to `until`: read from the hours'
   * collections (pending timers only, each hour dropped once over), never from the versions.
   * The agents' queue finds its conversations so (a session in the queue or with an agent
   * always has its chat-limit timer pending, R001-7).
   */
  async conversationsWith(kind: ConversationTimer['kind'], until: Date): Promise<Set<string>> {
    const found = new Set<string>();
    const last = dueHourOf(until);
    for (const hour of await this.#hours()) {
      if (hour > last) break;
      const timers = await this.#dueIn(hour)
        .find({ kind }, { projection: { conversationId: 1 } })
        .toArray();
      for (const timer of timers)
        if ('conversationId' in timer && timer.conversationId) found.add(timer.conversationId);
    }
    return found;
  }

  /** Claims a due timer for this process; false when another process claimed it first. */
  async claim(timer: TimerDocument, by: string, at: Date): Promise<boolean> {
    const claims = this.#claimsIn(dueHourOf(timer.dueAt));
    return insertOnce(() => claims.insertOne({ _id: timer._id, at, by }));
  }

  /** The claim on a timer, if any. */
  async claimOf(timer: TimerDocument): Promise<TimerClaim | null> {
    return this.#claimsIn(dueHourOf(timer.dueAt)).findOne({ _id: timer._id });
  }

  /** Deletes a fired timer by `_id`. */
  async finish(timer: { _id: string; dueAt: Date }): Promise<void> {
    // The claim stays: a process that read the timer before this delete must not claim it again.
    await this.timersFor(timer.dueAt).deleteOne({ _id: timer._id });
  }

  /**
   * Deletes cancelled timers by `_id`, drops the collections of past hours left without timers,
   * and the claims of hours over by an hour whose timers are all gone.
   */
  async tidy(now: Date): Promise<void> {
    const cancelled = this.#cancelled.splice(0);
    const byHour = new Map<number, string[]>();
    for (const { id, dueAt } of cancelled) {
      const hour = dueHourOf(dueAt);
      const ids = byHour.get(hour);
      if (ids) ids.push(id);
      else byHour.set(hour, [id]);
    }
    for (const [hour, ids] of byHour) await deleteByIds(this.#dueIn(hour), ids);
    for (const hour of await this.#hours()) {
      if (hour >= dueHourOf(now)) break;
      if ((await this.#dueIn(hour).countDocuments()) > 0) continue;
      await this.#dueIn(hour)
        .drop()
        .catch(() => undefined);
      const inserter = this.#inserts.get(hour);
      if (inserter) this.#retiredRoundTrips += inserter.roundTrips;
      this.#inserts.delete(hour);
    }
    // An hour's claims go when its timers are all finished and the hour is over by an hour: a
    // process that read a timer just before it was finished still finds the claim (and a
    // second firing after that would be ignored by the engine and the case watch anyway).
    const withTimers = new Set(await this.#hours());
    for (const hour of await numberedCollections(this.#db, CLAIMS_PREFIX)) {
      if (hour >= dueHourOf(now) - 1) break;
      if (withTimers.has(hour)) continue;
      await this.#claimsIn(hour)
        .drop()
        .catch(() => undefined);
    }
  }

  /** The collection of the timers due in a business-clock hour. */
  #dueIn(hour: number): Collection<TimerDocument> {
    return this.#db.collection<TimerDocument>(`${TIMERS_PREFIX}${hour}`);
  }

  /** The hours that have timer collections, earliest first. */
  #hours(): Promise<number[]> {
    return numberedCollections(this.#db, TIMERS_PREFIX);
  }

  /** The claims on the timers due in an hour. */
  #claimsIn(hour: number): Collection<TimerClaim> {
    return this.#db.collection<TimerClaim>(`${CLAIMS_PREFIX}${hour}`);
  }
}

/**
 * Deletes documents by `_id`, one statement each in one command: FerretDB pushes an `_id`
 * equality down to an index lookup, while `{ _id: { $in } }` compares every document of the
 * collection with every id.
 */
async function deleteByIds(collection: Collection<TimerDocument>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await (collection as unknown as Collection<{ _id: string }>).bulkWrite(
    ids.map((id) => ({ deleteOne: { filter: { _id: id } } })),
    { ordered: false },
  );
}
