import { DateTime } from 'luxon';
import type { Case, CaseClosure } from '../cases/case.ts';
import type { DailyTally } from './daily-tally.ts';
import type { Counts, ReportDay } from './tally-documents.ts';

/** The three SLA clocks a report counts as met or missed (R002-5, R003-6). */
export const SLA_CLOCKS = ['first-contact', 'response', 'solution'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

/** The case's local day of an instant, in its country's time zone. */
export function dayOf(at: Date, timeZone: string): ReportDay {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate() ?? at.toISOString().slice(0, 10);
}

type Where = Pick<Case, 'number' | 'country' | 'timeZone'>;

/**
 * The case events the supervisor reports count (issue 16), each named by a key counted once
 * (see `DailyTally.countOnce`) on the local day it happened. The case layer calls these as
 * cases change; nothing here reads a case back.
 *
 * SLA clocks: each case counts once per clock, met or missed, under `sla-<clock>:<case>`, so
 * whichever comes first — the breach flag or the late contact, the response timer's escalation
 * or the closure — decides and the other counts nothing. Response (R003-6): met when the case
 * closed within the response time, missed when the timer escalated it or it closed later. The solution SLA's pause and recomputation belong to
 * the SLA work; it reports a breach through `slaOutcome` with the same key.
 */
export class CaseTally {
  constructor(readonly days: DailyTally) {}

  #count(key: string, where: Where, at: Date, counts: Counts): Promise<boolean> {
    return this.days.countOnce(key, dayOf(at, where.timeZone), where.country, counts);
  }

  /** A case opened: by channel, type, category and priority. */
  caseOpened(value: Case): Promise<boolean> {
    return this.#count(`opened:${value.number}`, value, value.openedAt, {
      opened: 1,
      [`opened:channel:${value.channel}`]: 1,
      [`opened:type:${value.type}`]: 1,
      [`opened:category:${value.category ?? 'none'}`]: 1,
      [`opened:priority:${value.priority}`]: 1,
    });
  }

  /**
   * A case closed: whether the bot solved it at first level (R004-3), and the response and
   * solution clocks (R003-6) when nothing decided them before.
   */
  async caseClosed(value: Case, closure: CaseClosure): Promise<void> {
    const at = closure.closedAt;
    await this.#count(`closed:${value.number}`, value, at, {
      closed: 1,
      'closed:first-level': closure.solvedAtFirstLevel ? 1 : 0,
    });
    // Unless the response timer escalated it first (R003-8), which counted it missed.
    await this.slaOutcome(value, 'response', at <= value.sla.responseDue, at);
    await this.slaOutcome(value, 'solution', at <= solutionDueOf(value), at);
  }

  /**
   * R003-8: passed to level 2, by the response timer or by an agent. Counted once per case, as
   * the escalation itself is claimed once.
   */
  escalated(value: Where, at: Date): Promise<boolean> {
    return this.#count(`escalated:${value.number}`, value, at, { 'escalated:L2': 1 });
  }

  /** R002-5: the first contact of a person of the support team, in time or not. */
  firstContact(value: Case, at: Date): Promise<boolean> {
    return this.slaOutcome(value, 'first-contact', at <= value.sla.firstContactDue, at);
  }

  /** One SLA clock of a case met or missed, counted once whoever reports it first. */
  slaOutcome(value: Where, clock: SlaClock, met: boolean, at: Date): Promise<boolean> {
    return this.#count(`sla-${clock}:${value.number}`, value, at, {
      [`sla:${clock}:${met ? 'met' : 'missed'}`]: 1,
    });
  }

  /** R002-8: a survey answered, with its score. */
  surveyAnswered(value: Where, score: number, at: Date): Promise<boolean> {
    return this.#count(`survey:${value.number}`, value, at, {
      'survey:answered': 1,
      'survey:score-sum': score,
    });
  }

  /** R004-3: a visit agreed (a folio opened). */
  visitScheduled(value: Where, folioNumber: string, at: Date): Promise<boolean> {
    return this.#count(`visit:${folioNumber}`, value, at, { 'visits:scheduled': 1 });
  }

  /** A visit's outcome recorded (R000-6, R000-8, R000-9, R000-10, R000-13). */
  visitOutcome(value: Where, outcomeKey: string, outcome: string, at: Date): Promise<boolean> {
    return this.#count(`visit-outcome:${outcomeKey}`, value, at, {
      'visits:outcomes': 1,
      [`visits:outcome:${outcome}`]: 1,
    });
  }

  /** R001-11: support suspended for a person, counted in the country it was decided for. */
  suspension(key: string, country: string, timeZone: string, at: Date): Promise<boolean> {
    return this.days.countOnce(`suspension:${key}`, dayOf(at, timeZone), country, {
      suspensions: 1,
    });
  }
}

/**
 * R003-6: the solution due instant a closure is measured against. Extension point: the SLA work
 * (pauses while the case waits on the customer, recomputation on a priority change) keeps
 * `sla.solutionDue` current on the case, and this reads it.
 */
export function solutionDueOf(value: Pick<Case, 'sla'>): Date {
  return value.sla.solutionDue;
}
