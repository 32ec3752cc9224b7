/**
 * Every side effect once per input (decision 0): an effect of a conversation's turn (opening a
 * case or a folio, recording a warning, a survey, a follow-up, a cancellation) carries a key
 * derived from the conversation, the input that caused it and its place in the turn. The first
 * caller claims the key by insert and records the effect's result under it; any later caller
 * with the key — the same turn retried after a lost race, a resend after a crash, another
 * process given the same message — gets that result back instead of doing it again, and so
 * takes the same path.
 */
import type { Collection, Db } from 'mongodb';
import { GroupInserter, insertOnce } from '../../storage/index.ts';
import { AtiendeError } from '../errors.ts';

/** A claim on an effect: who took it and when (real time: it tells a dead claimer). */
interface ClaimDocument {
  _id: string;
  by: string;
  at: Date;
}

/** An effect's result, as JSON text (the services' outputs are plain data). */
interface ResultDocument {
  _id: string;
  value: string;
  at: Date;
}

/**
 * A claim older than this without a result is taken for a claimer that died mid-effect: the
 * effect runs again. The effects themselves take milliseconds; a live claimer slower than this
 * is one whose turn the engine is about to time out anyway.
 */
export const STALE_CLAIM_MS = 10_000;

/** How long a caller waits for another caller's result before it gives up. */
export const RESULT_WAIT_MS = 25_000;

/** Another caller holds the effect and has not finished it within the wait. */
export class EffectPending extends AtiendeError {
  readonly code = 'EFFECT_PENDING';
}

/** How the ledger reads real time and waits: injected so tests can make a claim stale. */
export interface LedgerTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTiming: LedgerTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The claims and results of effects, each keyed by its effect key. */
export class EffectLedger {
  readonly claims: Collection<ClaimDocument>;
  readonly results: Collection<ResultDocument>;
  readonly #claimInserts: GroupInserter;
  readonly #resultInserts: GroupInserter;
  readonly #by: string;
  readonly #timing: LedgerTiming;
  readonly #onError: (error: unknown) => void;
  /** Results being recorded (not awaited by the turns that produced them). */
  readonly #recording = new Set<Promise<unknown>>();

  /**
   * `by` names this process in its claims; `onError` hears of a result that could not be
   * recorded (the effect stands; a caller with its key will take the stale claim over).
   */
  constructor(
    db: Db,
    by: string,
    timing: LedgerTiming = realTiming,
    onError: (error: unknown) => void = () => undefined,
  ) {
    this.claims = db.collection<ClaimDocument>('effect_claims');
    this.results = db.collection<ResultDocument>('effect_results');
    this.#claimInserts = new GroupInserter(this.claims as unknown as Collection);
    this.#resultInserts = new GroupInserter(this.results as unknown as Collection);
    this.#by = by;
    this.#timing = timing;
    this.#onError = onError;
  }

  /** Database round trips of claims and results (benchmark and metrics). */
  get roundTrips(): number {
    return this.#claimInserts.roundTrips + this.#resultInserts.roundTrips;
  }

  /**
   * Runs `effect` once for `key`, whoever asks and however often: the first caller runs it and
   * records its result; the others get that result. A caller finding the key claimed waits
   * for the result; a claim left without one past `STALE_CLAIM_MS` (its claimer died) is taken
   * over and the effect runs again — so an effect whose repetition would matter keeps a key of
   * its own in the domain as well (a case and a folio record the request that opened them).
   * An effect that fails leaves the key free: the next caller tries again.
   */
  async once<T>(key: string, effect: () => Promise<T>): Promise<T> {
    const claimed = (await this.#claimInserts.insert(this.#claimOf(key))) === 'inserted';
    if (claimed) return this.#run(key, effect);
    const deadline = this.#timing.now() + RESULT_WAIT_MS;
    for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
      const result = await this.results.findOne({ _id: key });
      if (result) return parse<T>(result.value);
      const claim = await this.claims.findOne({ _id: key });
      if (!claim) {
        // Its claimer's effect failed and freed the key: claim it anew.
        if (await insertOnce(() => this.claims.insertOne(this.#claimOf(key)))) {
          return this.#run(key, effect);
        }
      } else if (this.#timing.now() - claim.at.getTime() > STALE_CLAIM_MS) {
        return this.#run(key, effect);
      }
      if (this.#timing.now() > deadline)
        throw new EffectPending(`the effect ${key} is still being done by ${claim?.by ?? '?'}`);
      await this.#timing.sleep(wait);
    }
  }

  /**
   * Runs a claimed effect and records its result; a failure frees the key. The result is
   * recorded without holding up the turn: until it is, a caller with the key waits for it (or,
   * should this process die first, finds a claim without a result and takes it over once stale:
   * the effects whose repetition would show keep their key in the domain too).
   */
  async #run<T>(key: string, effect: () => Promise<T>): Promise<T> {
    let value: T;
    try {
      value = await effect();
    } catch (error) {
      await this.claims.deleteOne({ _id: key, by: this.#by }).catch(() => undefined);
      throw error;
    }
    const recorded = this.#resultInserts.insert({
      _id: key,
      value: JSON.stringify(value ?? null),
      at: new Date(this.#timing.now()),
    });
    this.#recording.add(recorded);
    void recorded
      .catch((error: unknown) => this.#onError(error))
      .finally(() => this.#recording.delete(recorded));
    return value;
  }

  /** Resolves once the results being recorded are written (a clean stop, tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#recording]);
  }

  #claimOf(key: string): ClaimDocument {
    return { _id: key, by: this.#by, at: new Date(this.#timing.now()) };
  }
}

function parse<T>(text: string): T {
  const value = JSON.parse(text) as T | null;
  return (value ?? undefined) as T;
}
