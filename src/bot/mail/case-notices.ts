/**
 * Issue 16: the case notifications queued in the outbox by the turn (or the agent's action, or
 * the timer) that decides them. Each mail's id is the event's (`case:<n>:opened`), so a turn run
 * again queues nothing new (decision 0). Issue 17: the turn writes the mail's intent only — one
 * insert, no read — and the sender addresses and renders it off the turn (`case-mail-preparer.ts`:
 * the customer record's address, never one typed in a conversation, R000-7; no address is an
 * outcome the sender records once).
 */
import type { Case, CaseNumber } from '../../domain/cases/case.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Domain } from '../../domain/domain.ts';
import type { Folio } from '../../domain/folios/folio.ts';
import { caseMailExpiry, caseMailId, type CaseMailIntent, type VisitFacts } from './case-mails.ts';

/** Builds the survey's answer links of a case (empty: no public address configured). */
export type SurveyLinks = (caseNumber: CaseNumber) => { score: number; href: string }[];

/** What a case notification was: queued now, or already pending. */
export type NoticeOutcome = 'queued' | 'already';

/** The case notifications by e-mail (issue 16), queued as intents (issue 17). */
export class CaseNotices {
  constructor(
    private readonly domain: Domain,
    private readonly clock: Clock,
  ) {}

  /** R002-4: the case number and the date and time of opening. */
  caseOpened(opened: Case): Promise<NoticeOutcome> {
    return this.#queue(opened.number, {
      kind: 'case-opened',
      subject: opened.subject,
      openedAt: opened.openedAt,
      firstContactDue: opened.sla.firstContactDue,
    });
  }

  /**
   * R002-7: the attention and resolution times of the closure, and the request to confirm
   * (R000-12); then the survey (R002-8), offered once per case.
   */
  async caseClosed(number: CaseNumber, resolution: string | null): Promise<NoticeOutcome> {
    const closure = await this.domain.cases.findClosure(number);
    if (!closure) return 'already';
    const outcome = await this.#queue(number, {
      kind: 'case-closed',
      closedAt: closure.closedAt,
      attentionMinutes: closure.attentionMinutes,
      resolutionMinutes: closure.resolutionMinutes,
      resolution,
    });
    await this.#queue(number, { kind: 'case-survey' });
    return outcome;
  }

  /** Issue 16: the case closed by itself, the customer's confirmation awaited since `since`. */
  async caseClosedWithoutAnswer(number: CaseNumber, since: Date): Promise<NoticeOutcome> {
    const outcome = await this.#queue(number, { kind: 'case-auto-closed', waitingSince: since });
    await this.#queue(number, { kind: 'case-survey' });
    return outcome;
  }

  /** R000-3, R000-5, R000-11, R000-13: the visit booked (or moved), with the duties. */
  visitBooked(folio: Folio): Promise<NoticeOutcome> {
    return this.#queue(folio.caseNumber, { kind: 'visit-confirmed', visit: visitOf(folio) });
  }

  /** The reminder before the visit, with the same duties. */
  visitReminder(folio: Folio): Promise<NoticeOutcome> {
    return this.#queue(folio.caseNumber, { kind: 'visit-reminder', visit: visitOf(folio) });
  }

  async #queue(caseNumber: CaseNumber, content: CaseMailIntent): Promise<NoticeOutcome> {
    const queued = await this.domain.mailOutbox.intend({
      id: caseMailId(caseNumber, content),
      kind: content.kind,
      intent: { about: caseNumber, facts: { ...content } },
      createdAt: this.clock.now(),
      expiresAt: caseMailExpiry(content),
    });
    return queued ? 'queued' : 'already';
  }
}

function visitOf(folio: Folio): VisitFacts {
  return {
    folioNumber: folio.number,
    start: folio.slot.start,
    end: folio.slot.end,
    attendant: folio.attendant,
  };
}
