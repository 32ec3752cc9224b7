import type { Case, CaseNumber, CaseRequest } from '../domain/cases/case.ts';
import type { Folio } from '../domain/folios/folio.ts';
import type { Clock } from '../domain/clock.ts';
import { isSuspended, type Customer } from '../domain/customers/customer.ts';
import type { Domain } from '../domain/domain.ts';
import { personKeys } from '../domain/fair-use/index.ts';
import { officeHoursNow, visitSlots } from '../domain/policy/index.ts';
import type {
  AccountProofServices,
  CaseView,
  CustomerView,
  FlowServices,
} from '../flows/contract.ts';
import { codeRecipient } from '../domain/account-proof/index.ts';
import type { Language } from '../domain/types.ts';
import type { PersonStanding } from './engine/person-standing.ts';
import type { TranscriptEntry } from './engine/state.ts';
import type { Translator } from './i18n.ts';
import { accountCodeMail } from './mail/account-code-mail.ts';
import { tallySurvey, tallySuspension, tallyVisitScheduled } from './report-hooks.ts';
import { visitServices } from './visit-services.ts';

function customerView(customer: Customer, now: Date): CustomerView {
  return {
    accountNumber: customer.accountNumber,
    contractNumbers: customer.contractNumbers,
    name: customer.name,
    country: customer.country,
    timeZone: customer.timeZone,
    language: customer.language,
    primaryContact: customer.primaryContact,
    authorisedPersons: customer.authorisedPersons,
    distributor: customer.distributor,
    paymentsUpToDate: customer.paymentsUpToDate,
    equipment: customer.equipment,
    suspended: isSuspended(customer, now),
    abuseWarnings: customer.abuseWarnings,
  };
}

/**
 * Issue 16: what follows a case event the flows decide, run inside the effect that decided it
 * (so a retried turn runs it again, and it must be idempotent: the mails are keyed by event).
 */
export interface CaseEventHooks {
  /** The customer confirmed in the chat that the case is solved, and it closed (R002-7). */
  onCaseClosedInChat?: (caseNumber: CaseNumber) => Promise<unknown>;
  /** A visit was booked or moved (R000-3, R000-5, R000-11, R000-13; its reminder). */
  onVisitBooked?: (folio: Folio) => Promise<unknown>;
  /** Issue 17: written with a new case, the record of its follow-ups (report count included). */
  onCaseStored?: (opened: Case) => Promise<unknown>;
  /** A case opened and the customer asked whether it is finished (R000-12). */
  onCaseAwaitingConfirmation?: (opened: Case, conversationId: string) => Promise<unknown>;
}

/**
 * The flows' side effects on the real domain (the `FlowServices` port). `transcriptOf` gives
 * the running conversation's transcript, copied into a ticket at the 20-minute limit (R001-7).
 */
export function createFlowServices(
  domain: Domain,
  clock: Clock,
  transcriptOf: (conversationId: string) => TranscriptEntry[],
  /** After a new case (not solved at the first level): its follow-ups. */
  onCaseOpened: (opened: Case) => Promise<unknown> = async () => undefined,
  hooks: CaseEventHooks = {},
  /** The customer spoke about an open case (joined it, asked after it): its SLA clock resumes. */
  onCustomerAnswered: (caseNumber: CaseNumber) => Promise<unknown> = async () => undefined,
): Omit<FlowServices, keyof AccountProofServices> {
  const { policy } = domain;

  /** Opens a case; a new one gets its durable SLA timer (R003-8) and its follow-ups. */
  const open = async (request: CaseRequest) => {
    const result = await domain.caseService.open(
      request,
      request.solvedAtFirstLevel
        ? {}
        : { countLater: hooks.onCaseStored !== undefined, alongside: hooks.onCaseStored },
    );
    if (result.outcome === 'opened' && !result.case.solvedAtFirstLevel)
      await onCaseOpened(result.case);
    if (result.outcome === 'joined') await onCustomerAnswered(result.caseNumber);
    return result;
  };

  const caseView = async (value: Case): Promise<CaseView> => {
    const timeline = await domain.cases.timeline(value.number);
    const last = timeline.reduce((max, e) => (e.at > max ? e.at : max), value.openedAt);
    const told = timeline.filter((e) => e.kind === 'note' && e.data?.followUp === true).at(-1);
    // The status field is not updated on the message path (updates are slow on FerretDB v1):
    // the timeline tells what happened since the case opened.
    const visit = timeline.some((e) => e.kind === 'visit');
    const hasVisit = visit ? { hasVisit: true } : {};
    return {
      number: value.number,
      openedAt: value.openedAt.toISOString(),
      status: value.status === 'open' && visit ? 'visit-scheduled' : value.status,
      subject: value.subject,
      priority: value.priority,
      lastContactAt: last.toISOString(),
      followUpToldAt: told ? told.at.toISOString() : null,
      firstContactDue: value.sla.firstContactDue.toISOString(),
      solutionDue: value.sla.solutionDue.toISOString(),
      ...hasVisit,
      type: value.type,
      category: value.category,
      equipmentSerial: value.equipmentSerial,
    };
  };

  return {
    async findCustomer({ by, value, person }) {
      const customer =
        by === 'account'
          ? await domain.customers.findByAccountOrContract(value)
          : by === 'email'
            ? await domain.customers.findByEmail(value)
            : await domain.customers.findByPhone(value);
      if (!customer) return null;
      const now = clock.now();
      // R001-11: a suspension is the person's, found by who is asking, not by the account named.
      const personSuspension = person
        ? await personStandingOf(domain)(person.conversationId, person.phone, now)
        : null;
      return { ...customerView(customer, now), personSuspension };
    },

    async openCase(input, call) {
      const { includeTranscript, awaitsConfirmation, ...request } = input;
      const transcript = includeTranscript ? transcriptOf(input.conversationId) : [];
      const result = await open({
        ...request,
        channel: input.conversationId.split(':')[0] as Case['channel'],
        transcript,
        requestKey: call?.effectKey ?? null,
      });
      const found = result.outcome === 'opened' ? result.case : result.case;
      if (result.outcome === 'opened' && awaitsConfirmation)
        await hooks.onCaseAwaitingConfirmation?.(result.case, input.conversationId);
      const openedAt = found?.openedAt ?? clock.now();
      const sla = found?.sla;
      return {
        outcome: result.outcome,
        caseNumber: result.outcome === 'opened' ? result.case.number : result.caseNumber,
        openedAt: openedAt.toISOString(),
        firstContactDue: (sla?.firstContactDue ?? openedAt).toISOString(),
        solutionDue: (sla?.solutionDue ?? openedAt).toISOString(),
      };
    },

    async closeCase({ caseNumber, solvedAtFirstLevel, verifiedWith }) {
      await domain.caseService.close(caseNumber, {
        solvedAtFirstLevel,
        verifiedWith,
      });
      await hooks.onCaseClosedInChat?.(caseNumber);
    },

    async openCaseOfMatter(matter) {
      const found = await domain.caseService.openCaseOfMatter(matter);
      return found ? caseView(found) : null;
    },

    async listOpenCases({ accountNumber }) {
      const cases = await domain.cases.openCasesOf(accountNumber);
      return Promise.all(cases.map(caseView));
    },

    async recordFollowUp({ caseNumber, at, pressing }) {
      await domain.cases.appendEvent({
        caseNumber: caseNumber,
        at: new Date(at),
        kind: 'note',
        by: 'customer',
        text: pressing ? 'follow-up pressed again (R001-9)' : 'follow-up requested (R001-6)',
        data: { followUp: !pressing, pressing },
      });
      await onCustomerAnswered(caseNumber);
    },

    async officeHours({ country, timeZone, at, language }) {
      // R003-3 / R003-4: announcements made in this process count at once, in another within
      // 1.5 s (issue 17: the board is read each second by every process, not at each turn).
      await domain.announcements.current();
      const calendar = domain.announcements.calendarOf(country, timeZone);
      const live = domain.announcements.policy;
      return officeHoursNow(calendar, live, new Date(at), language ?? policy.language.default);
    },

    async proposeVisitSlots({ country, timeZone, at }) {
      const calendar = domain.announcements.calendarOf(country, timeZone);
      return visitSlots(calendar, new Date(at), policy).map((slot, i) => ({
        id: `slot-${i + 1}`,
        start: slot.start.toISOString(),
        end: slot.end.toISOString(),
      }));
    },

    async openFolio({ caseNumber, slot, attendant }, call) {
      const folio = await domain.folios.open(
        caseNumber,
        { start: new Date(slot.start), end: new Date(slot.end) },
        attendant,
        clock.now(),
        call?.effectKey ?? null,
      );
      // Once the folio is stored, at once (issue 17); the line once per folio (a turn run again).
      await Promise.all([
        domain.cases.appendEvent({
          caseNumber: caseNumber,
          at: clock.now(),
          kind: 'visit',
          by: 'bot',
          text: folio.number,
          data: { start: slot.start, end: slot.end, attendant },
          once: `visit:${folio.number}`,
        }),
        hooks.onVisitBooked?.(folio),
        tallyVisitScheduled(domain, caseNumber, folio.number, folio.createdAt),
      ]);
      return { folioNumber: folio.number };
    },

    ...visitServices(domain, clock, hooks.onVisitBooked),

    async checkCoverage({ country, address }) {
      const zone = await domain.coverage.check(country, address);
      return { covered: zone !== null, city: zone?.city ?? null };
    },

    async recordAbuse(input, call) {
      const at = new Date(input.at);
      // The turn's effect key: a turn run again records nothing new (decision 0).
      const id = call?.effectKey ?? `${input.conversationId}:${input.at}:${input.rule}`;
      const { warnings, suspension } = await domain.abuse.record({
        id,
        person: personKeys(input.conversationId, input.phone),
        conversationId: input.conversationId,
        accountNumber: input.accountNumber,
        rule: input.rule,
        words: input.words,
        text: input.text,
        at,
      });
      if (suspension) await tallySuspension(domain, id, input.accountNumber, at);
      return {
        suspended: suspension !== null,
        warnings,
        suspendedUntil: suspension?.until?.toISOString() ?? null,
      };
    },

    async recordSurvey({ caseNumber, score, comment }) {
      const answeredAt = clock.now();
      if (await domain.cases.insertSurvey({ caseNumber, score, comment, answeredAt }))
        await tallySurvey(domain, caseNumber, score, answeredAt);
    },

    async registerCancellation({ accountNumber, contractNumber, noticeAt, conversationId }, call) {
      const customer = await domain.customers.findByAccount(accountNumber);
      if (!customer) throw new Error(`unknown account ${accountNumber}`);
      const result = await open({
        accountNumber,
        country: customer.country,
        timeZone: customer.timeZone,
        requesterName: customer.primaryContact.name,
        contractNumber,
        equipmentSerial: null,
        equipmentLocation: null,
        contact: customer.primaryContact,
        subject: `cancellation of contract ${contractNumber}`,
        description: `contract ends on the notice date ${noticeAt} (R004-5)`,
        stepsToReproduce: null,
        type: 'cancellation',
        category: null,
        area: 'administration',
        severity: null,
        urgency: null,
        priority: 'P3',
        channel: conversationId.split(':')[0] as Case['channel'],
        conversationId,
        attachments: [],
        transcript: [],
        solvedAtFirstLevel: false,
        requestKey: call?.effectKey ?? null,
      });
      const caseNumber = result.outcome === 'opened' ? result.case.number : result.caseNumber;
      // R004-5: all areas are told; the notification port (e-mail) comes with the case lifecycle.
      for (const area of ['technical', 'customer-service', 'administration', 'sales']) {
        await domain.cases.appendEvent({
          caseNumber,
          at: clock.now(),
          kind: 'note',
          by: 'system',
          text: `area notified: ${area}`,
          data: { notifiedArea: area, contractEndsAt: noticeAt },
        });
      }
      return { caseNumber };
    },
  };
}

/**
 * How account codes reach customers (issue 12): by e-mail through the outbox (`mail`); kept in
 * the outbox unsent and shown as a demo (`demo`: the embedded demo defaults without SMTP_URL);
 * or not at all (`off`: production without SMTP_URL — the flow says so and offers a person).
 */
export type AccountCodeDelivery = 'mail' | 'demo' | 'off';

/** A code issued with no mail server, for the demo's log and terminal chat only. */
export interface DemoCode {
  conversationId: string;
  accountNumber: string;
  maskedTo: string;
  code: string;
  language: Language;
}

/**
 * R001-11: the standing of a person (the conversation's sender, the verified phone): their
 * suspension in force, if any. Reads the people marks by `_id`; the breaches only for a person
 * who has one.
 */
export function personStandingOf(domain: Domain): PersonStanding {
  return async (conversationId, phone, now) => {
    const suspension = await domain.abuse.suspensionOf(personKeys(conversationId, phone), now);
    return suspension ? { until: suspension.until?.toISOString() ?? null } : null;
  };
}

/**
 * Issue 12's services on the domain: an account code issued and its mail queued in the same
 * turn (the sender loop sends it), and a typed code checked. `effectKeyOf` gives the running
 * turn's input key: the same turn run twice issues one code.
 */
export function createAccountProofServices(
  domain: Domain,
  clock: Clock,
  options: {
    delivery: AccountCodeDelivery;
    translator: Pick<Translator, 'text'>;
    effectKeyOf?: (conversationId: string) => string | undefined;
    onDemoCode?: (code: DemoCode) => void;
  },
): AccountProofServices {
  return {
    async sendAccountCode({ conversationId, accountNumber, person, language }) {
      if (options.delivery === 'off') return { outcome: 'unavailable' };
      const customer = await domain.customers.findByAccount(accountNumber);
      const recipient = customer && codeRecipient(customer, person);
      if (!recipient?.email) return { outcome: 'unavailable' };
      const effect = options.effectKeyOf?.(conversationId);
      const issued = await domain.accountProof.issue({
        accountNumber,
        conversationId,
        to: recipient.email,
        ...(effect ? { effectKey: `account-code:${effect}` } : {}),
      });
      if (issued.outcome === 'rate-limited')
        return { outcome: 'rate-limited', retryAt: issued.retryAt.toISOString() };
      if (issued.outcome === 'issued') {
        await domain.mailOutbox.enqueue(
          accountCodeMail(options.translator, {
            codeId: issued.codeId,
            to: recipient.email,
            name: recipient.name,
            accountNumber,
            code: issued.code,
            language,
            createdAt: clock.now(),
            expiresAt: issued.expiresAt,
          }),
        );
        if (options.delivery === 'demo') {
          options.onDemoCode?.({
            conversationId,
            accountNumber,
            maskedTo: issued.maskedTo,
            code: issued.code,
            language,
          });
        }
      }
      return {
        outcome: 'sent',
        codeId: issued.codeId,
        maskedTo: issued.maskedTo,
        expiresAt: issued.expiresAt.toISOString(),
      };
    },

    async checkAccountCode(input) {
      const checked = await domain.accountProof.check(input);
      return checked.outcome === 'invalid' ? { outcome: 'expired' } : checked;
    },
  };
}
