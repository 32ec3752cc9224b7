/**
 * Issue 16: the case notifications queued in the outbox by the turn (or the agent's action, or
 * the timer) that decides them. Each mail's id is the event's (`case:<n>:opened`), so a turn run
 * again queues nothing new (decision 0). The address is the customer record's — the person named
 * on the account whom the case's contact is, else the primary contact (R000-7) — never one typed
 * in a conversation; a case without an account or an address on record gets no mail, and that
 * is noted once (the mail's outcome `no-address` and a line in the case's timeline).
 */
import { codeRecipient } from '../../domain/account-proof/index.ts';
import type { Case, CaseNumber } from '../../domain/cases/case.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Domain } from '../../domain/domain.ts';
import type { Folio } from '../../domain/folios/folio.ts';
import type { Translator } from '../i18n.ts';
import { caseMail, caseMailId, type CaseMailContent, type VisitFacts } from './case-mails.ts';

/** Builds the survey's answer links of a case (empty: no public address configured). */
export type SurveyLinks = (caseNumber: CaseNumber) => { score: number; href: string }[];

/** What the case notifications were: queued, already queued, or not written (no address). */
export type NoticeOutcome = 'queued' | 'already' | 'no-address';

/** The case notifications by e-mail (issue 16). */
export class CaseNotices {
  constructor(
    private readonly domain: Domain,
    private readonly translator: Pick<Translator, 'render'>,
    private readonly clock: Clock,
    private readonly surveyLinks: SurveyLinks = () => [],
  ) {}

  /** R002-4: the case number and the date and time of opening. */
  caseOpened(opened: Case): Promise<NoticeOutcome> {
    return this.#queue(opened, {
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
    const found = await this.domain.cases.find(number);
    const closure = await this.domain.cases.findClosure(number);
    if (!found || !closure) return 'already';
    const outcome = await this.#queue(found, {
      kind: 'case-closed',
      closedAt: closure.closedAt,
      attentionMinutes: closure.attentionMinutes,
      resolutionMinutes: closure.resolutionMinutes,
      resolution,
    });
    await this.#queue(found, { kind: 'case-survey', answerLinks: this.surveyLinks(number) });
    return outcome;
  }

  /** Issue 16: the case closed by itself, the customer's confirmation awaited since `since`. */
  async caseClosedWithoutAnswer(number: CaseNumber, since: Date): Promise<NoticeOutcome> {
    const found = await this.domain.cases.find(number);
    if (!found) return 'already';
    const outcome = await this.#queue(found, { kind: 'case-auto-closed', waitingSince: since });
    await this.#queue(found, { kind: 'case-survey', answerLinks: this.surveyLinks(number) });
    return outcome;
  }

  /** R000-3, R000-5, R000-11, R000-13: the visit booked (or moved), with the duties. */
  async visitBooked(folio: Folio): Promise<NoticeOutcome> {
    const found = await this.domain.cases.find(folio.caseNumber);
    if (!found) return 'already';
    return this.#queue(found, { kind: 'visit-confirmed', visit: visitOf(folio) });
  }

  /** The reminder before the visit, with the same duties. */
  async visitReminder(folio: Folio): Promise<NoticeOutcome> {
    const found = await this.domain.cases.find(folio.caseNumber);
    if (!found) return 'already';
    return this.#queue(found, { kind: 'visit-reminder', visit: visitOf(folio) });
  }

  async #queue(about: Case, content: CaseMailContent): Promise<NoticeOutcome> {
    const customer = about.accountNumber
      ? await this.domain.customers.findByAccount(about.accountNumber)
      : null;
    const recipient = customer && codeRecipient(customer, about.contact);
    const at = this.clock.now();
    if (!customer || !recipient?.email) {
      const id = caseMailId(about.number, content);
      const first = await this.domain.mailOutbox.end(id, {
        outcome: 'no-address',
        at,
        attempts: 0,
      });
      if (first) {
        await this.domain.cases.appendEvent({
          caseNumber: about.number,
          at,
          kind: 'note',
          by: 'system',
          text: `no e-mail address on record: the ${content.kind} mail was not sent`,
          data: { mail: id, mailOutcome: 'no-address' },
        });
      }
      return 'no-address';
    }
    const policy = this.domain.policy;
    const mail = caseMail(
      this.translator,
      {
        caseNumber: about.number,
        to: recipient.email,
        name: recipient.name,
        language: customer.language,
        timeZone: about.timeZone,
        at,
      },
      content,
      {
        noticeHours: policy.visits.freeRescheduleNoticeBusinessMinutes / 60,
        toleranceMinutes: policy.visits.toleranceMinutes,
      },
    );
    return (await this.domain.mailOutbox.enqueue(mail)) ? 'queued' : 'already';
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
