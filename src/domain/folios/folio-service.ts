import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { AtiendeError, NotFoundError, ValidationError } from '../errors.ts';
import {
  calendarFor,
  customerLate,
  grantsExtraFreeReschedule,
  rescheduleTerms,
  serviceMinutes,
  type FreeRescheduleReason,
  type PolicyConfig,
  type RescheduleTerms,
} from '../policy/index.ts';
import type { Country } from '../types.ts';
import type { FolioRepository } from './folio-repository.ts';
import type { Folio, Reschedule, VisitSlot } from './folio.ts';
import type { RescheduleClaim } from './reschedule-claims.ts';
import {
  judgeVisitOutcome,
  type VisitOutcomeInput,
  type VisitOutcomeRecord,
} from './visit-outcome.ts';

/** What recording a visit's outcome did: recorded now, or the visit had one already. */
export type RecordOutcomeResult =
  | { status: 'recorded'; record: VisitOutcomeRecord; folio: Folio }
  | { status: 'already-recorded'; record: VisitOutcomeRecord };

/**
 * R000-5: the cost of a reschedule is no longer the one the customer accepted (the notice ran
 * short while they chose, or an owed free reschedule was spent): they must be told again.
 */
export class RescheduleCostChanged extends AtiendeError {
  readonly code = 'RESCHEDULE_COST_CHANGED';
  constructor(readonly terms: RescheduleTerms) {
    super(`the reschedule now costs ${terms.cost} (${terms.because})`);
  }
}

/** How a reschedule is asked for: its request's key, and the cost the customer accepted. */
export interface RescheduleOptions {
  /** The same key again moves nothing and returns the folio as that request left it. */
  requestKey?: string | null;
  /** Refuse (`RescheduleCostChanged`) when the cost is not this one (R000-5: told first). */
  acceptCost?: 'free' | 'charged';
}

/** Where a visit is: its country's holidays and time zone make the business hours. */
type Where = { country: Country; timeZone: string };

/**
 * Visit folios after they are agreed: reschedules with their cost rule (R000-5), the one more
 * free reschedule earned when a service fails on the customer's side (R000-8, R000-9,
 * R000-10), and the 10-minute tolerance (R000-10).
 */
export class FolioService {
  constructor(
    private readonly folios: FolioRepository,
    private readonly policy: PolicyConfig,
    private readonly clock: Clock,
  ) {}

  async #get(number: string): Promise<Folio> {
    const folio = await this.folios.find(number);
    if (!folio) throw new NotFoundError(`folio ${number} does not exist`);
    return folio;
  }

  /** R000-5: what moving this visit now would cost, and why (R000-8/9/10 owed ones included). */
  async terms(number: string, where: Where, at: Date = this.clock.now()): Promise<RescheduleTerms> {
    const folio = await this.#get(number);
    return this.#terms(folio, where, at);
  }

  #terms(folio: Folio, where: Where, at: Date): RescheduleTerms {
    const calendar = calendarFor(this.policy, where.country, where.timeZone);
    return rescheduleTerms(folio.slot.start, at, calendar, this.policy, folio.freeReschedulesLeft);
  }

  /**
   * Moves a visit to a new slot (R000-5): free with 8 business hours' notice or an owed free
   * reschedule, otherwise charged. Claimed first by `<folio>:<request key>` (decision 0): the
   * same request again, even concurrently, moves the visit once and gets the same folio back.
   */
  async reschedule(
    number: string,
    to: VisitSlot,
    reason: Reschedule['reason'],
    where: Where,
    options: RescheduleOptions = {},
  ): Promise<Folio> {
    if (!(to.start < to.end)) throw new ValidationError('a visit slot must end after it starts');
    const requestKey = options.requestKey ?? randomUUID();
    const folio = await this.#get(number);
    if (folio.reschedules.some((r) => r.requestKey === requestKey)) return folio;
    if (folio.outcome === 'done') throw new ValidationError(`visit ${number} was already done`);
    const now = this.clock.now();
    const terms = this.#terms(folio, where, now);
    if (options.acceptCost !== undefined && options.acceptCost !== terms.cost)
      throw new RescheduleCostChanged(terms);
    const claim = await this.folios.reschedules.claim({
      folioNumber: number,
      requestKey,
      at: now,
      from: folio.slot,
      to,
      reason,
      cost: terms.cost,
      owedSpent: terms.because === 'owed',
    });
    return this.#apply(claim);
  }

  /**
   * Applies a claimed reschedule to its folio, once: a retry that finds it applied changes
   * nothing; one that finds it claimed but not applied (a crash in between) applies it.
   */
  async #apply(claim: RescheduleClaim): Promise<Folio> {
    const folio = await this.#get(claim.folioNumber);
    if (folio.reschedules.some((r) => r.requestKey === claim.requestKey)) return folio;
    const { at, from, to, reason, cost, requestKey } = claim;
    const updated: Folio = {
      ...folio,
      reschedules: [...folio.reschedules, { at, from, to, reason, cost, requestKey }],
      slot: to,
      // A free reschedule owed (R000-8/9/10) is spent only when the notice was too short.
      freeReschedulesLeft: folio.freeReschedulesLeft - (claim.owedSpent ? 1 : 0),
      outcome: 'pending',
    };
    await this.folios.save(updated);
    return updated;
  }

  /**
   * Records why a service could not be done. No stable internet (R000-8), infected equipment
   * (R000-9) or the customer absent past the tolerance (R000-10) earn one more free reschedule.
   */
  async recordFailure(number: string, reason: FreeRescheduleReason | 'other'): Promise<Folio> {
    const folio = await this.#get(number);
    const updated: Folio = {
      ...folio,
      outcome: reason === 'customer-absent' ? 'cancelled-customer-absent' : 'not-performed',
      freeReschedulesLeft: folio.freeReschedulesLeft + (grantsExtraFreeReschedule(reason) ? 1 : 0),
    };
    await this.folios.save(updated);
    return updated;
  }

  /**
   * Records how a visit went (issue 16), once per visit: the record is claimed by insert under
   * the visit's key, so a second record — the same agent again, another agent, another process
   * — is refused with the first one. The folio then takes the outcome and, on the customer's
   * side for R000-8/9/10, one more free reschedule (applied once: `outcomeKey`).
   */
  async recordOutcome(
    number: string,
    input: VisitOutcomeInput,
    agent: string,
  ): Promise<RecordOutcomeResult> {
    const folio = await this.#get(number);
    const record = judgeVisitOutcome(folio, input, this.policy, agent, this.clock.now());
    if (folio.outcomeKey !== record.key && folio.outcome !== 'pending')
      throw new ValidationError(`visit ${number} is not pending (${folio.outcome})`, {
        reason: 'notPending',
      });
    if (!(await this.folios.outcomes.claim(record))) {
      const first = await this.folios.outcomes.find(record.key);
      if (!first) throw new Error(`visit outcome ${record.key} vanished`);
      // A process that died between the claim and the folio's save left the folio pending: the
      // repeat finishes it (from the folio as read, so two repeats write the same values).
      if (folio.outcomeKey !== first.key) await this.folios.save(withOutcome(folio, first));
      return { status: 'already-recorded', record: first };
    }
    const updated = withOutcome(folio, record);
    await this.folios.save(updated);
    return { status: 'recorded', record, folio: updated };
  }

  /** The technician's arrival check: later than the 10-minute tolerance cancels (R000-10). */
  async recordCustomerArrival(number: string, arrivedAt: Date | null): Promise<Folio> {
    const folio = await this.#get(number);
    if (arrivedAt !== null && !customerLate(folio.slot.start, arrivedAt, this.policy)) return folio;
    return this.recordFailure(number, 'customer-absent');
  }

  /**
   * Records a visit done: its service time runs from the technician's arrival, so time spent
   * waiting for the customer counts (R000-6).
   */
  async recordDone(number: string, technicianArrivedAt: Date, finishedAt: Date): Promise<Folio> {
    if (finishedAt < technicianArrivedAt)
      throw new ValidationError('a visit cannot finish before the technician arrives');
    const folio = await this.#get(number);
    const updated: Folio = {
      ...folio,
      outcome: 'done',
      serviceMinutes: serviceMinutes(technicianArrivedAt, finishedAt),
    };
    await this.folios.save(updated);
    return updated;
  }
}

/** The folio once an outcome is recorded: R000-8/9/10's free reschedule applied with its key. */
function withOutcome(folio: Folio, record: VisitOutcomeRecord): Folio {
  return {
    ...folio,
    outcome: record.folioOutcome,
    serviceMinutes: record.serviceMinutes,
    freeReschedulesLeft: folio.freeReschedulesLeft + (record.freeRescheduleEarned ? 1 : 0),
    outcomeKey: record.key,
  };
}
