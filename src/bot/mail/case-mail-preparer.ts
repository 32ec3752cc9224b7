/**
 * Issue 17: the sender's side of a case notice. The turn queued an intent (the case and the
 * event's facts); this finds the address on the customer record — the person named on the
 * account whom the case's contact is, else the primary contact (R000-7), never one typed in a
 * conversation — and renders the mail in the customer's language (survey links included). A case
 * without an account or an address on record gets no mail, and that is noted once: the mail's
 * outcome `no-address` (an insert, once per mail) and, by whoever inserted it, a line in the
 * case's timeline.
 */
import { codeRecipient } from '../../domain/account-proof/index.ts';
import type { CaseNumber } from '../../domain/cases/case.ts';
import type { Domain } from '../../domain/domain.ts';
import type { MailIntent, OutgoingMail } from '../../domain/mail/index.ts';
import type { Translator } from '../i18n.ts';
import { caseMail, type CaseMailContent, type CaseMailIntent } from './case-mails.ts';
import type { SurveyLinks } from './case-notices.ts';

/** Prepares the case notices' intents for the mail sender (`MailSenderOptions.prepare`). */
export class CaseMailPreparer {
  constructor(
    private readonly domain: Domain,
    private readonly translator: Pick<Translator, 'render'>,
    private readonly surveyLinks: SurveyLinks = () => [],
  ) {}

  /** The rendered mail, or 'ended' when it has no address (recorded here, once). */
  async prepare(intent: MailIntent): Promise<OutgoingMail | 'ended'> {
    const caseNumber = intent.intent.about as CaseNumber;
    const facts = intent.intent.facts as CaseMailIntent;
    const about = await this.domain.cases.find(caseNumber);
    const customer = about?.accountNumber
      ? await this.domain.customers.findByAccount(about.accountNumber)
      : null;
    const recipient = about && customer && codeRecipient(customer, about.contact);
    if (!about || !customer || !recipient?.email) {
      const first = await this.domain.mailOutbox.end(intent.id, {
        outcome: 'no-address',
        at: intent.createdAt,
        attempts: 0,
      });
      if (first && about) {
        await this.domain.cases.appendEvent({
          caseNumber,
          at: intent.createdAt,
          kind: 'note',
          by: 'system',
          text: `no e-mail address on record: the ${intent.kind} mail was not sent`,
          data: { mail: intent.id, mailOutcome: 'no-address' },
        });
      }
      return 'ended';
    }
    const content: CaseMailContent =
      facts.kind === 'case-survey'
        ? { kind: 'case-survey', answerLinks: this.surveyLinks(caseNumber) }
        : facts;
    const policy = this.domain.policy;
    return caseMail(
      this.translator,
      {
        caseNumber,
        to: recipient.email,
        name: recipient.name,
        language: customer.language,
        timeZone: about.timeZone,
        at: intent.createdAt,
      },
      content,
      {
        noticeHours: policy.visits.freeRescheduleNoticeBusinessMinutes / 60,
        toleranceMinutes: policy.visits.toleranceMinutes,
      },
    );
  }
}
