import type { Clock } from '../clock.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import {
  calendarFor,
  customerLate,
  grantsExtraFreeReschedule,
  rescheduleCost,
  serviceMinutes,
  type FreeRescheduleReason,
  type PolicyConfig,
} from '../policy/index.ts';
import type { Country } from '../types.ts';
import type { FolioRepository } from './folio-repository.ts';
import type { Folio, Reschedule, VisitSlot } from './folio.ts';

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

  /** Moves a visit to a new slot; free with 8 business hours' notice or an owed free reschedule. */
  async reschedule(
    number: string,
    to: VisitSlot,
    reason: Reschedule['reason'],
    where: { country: Country; timeZone: string },
  ): Promise<Folio> {
    if (!(to.start < to.end)) throw new ValidationError('a visit slot must end after it starts');
    const folio = await this.#get(number);
    const now = this.clock.now();
    const calendar = calendarFor(this.policy, where.country, where.timeZone);
    const withNotice = rescheduleCost(folio.slot.start, now, calendar, this.policy, 0) === 'free';
    const cost = withNotice || folio.freeReschedulesLeft > 0 ? 'free' : 'charged';
    const updated: Folio = {
      ...folio,
      reschedules: [...folio.reschedules, { at: now, from: folio.slot, to, reason, cost }],
      slot: to,
      // A free reschedule owed (R000-8/9/10) is spent only when the notice was too short.
      freeReschedulesLeft: folio.freeReschedulesLeft - (!withNotice && cost === 'free' ? 1 : 0),
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
