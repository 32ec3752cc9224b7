/**
 * The core actions: speaking (`say`, `ask`, `reask` — replies are i18n keys), remembering what the
 * customer answered (`take…`) and what a service returned (`remember…`, which take the
 * service's output as their params), and telling the engine (`announce…`, `closeSession`).
 */
import { assign, emit, enqueueActions } from 'xstate';
import type { CaseCategory, CaseNumber, CaseType } from '../../domain/cases/case.ts';
import { isAuthorised, namedPerson } from '../../domain/customers/customer.ts';
import { priorityFromSeverityUrgency } from '../../domain/policy/index.ts';
import type { PolicyConfig, Severity, Urgency } from '../../domain/policy/index.ts';
import type { Intent, ProofResume } from '../context.ts';
import { emptyRequest } from '../context.ts';
import type {
  CustomerView,
  MoveVisitOutput,
  OfficeHoursView,
  OpenCaseOutput,
  Reply,
  SendCodeOutput,
  VisitMoveTerms,
  VisitSlotView,
  VisitView,
} from '../contract.ts';
import {
  MAX_DESCRIPTION_CHARS,
  MAX_SHORT_CHARS,
  findIdentifier,
  personName,
  phoneIn,
} from '../understanding.ts';
import { CASE_AREA, INTENT_CASE_TYPE, caseAssigned } from './case-request.ts';
import { hasVerifiedPhoneOfAccount, knownContact } from './facts.ts';
import { triageChoices } from '../choices.ts';
import { guardedSetup } from './guards.ts';
import { examplesFor } from './examples.ts';
import { clipAtWord } from '../clip.ts';
import { keptTextAfter, readingOfKeptText } from './kept-text.ts';
import {
  answerOf,
  attachmentsOf,
  equipmentAnswered,
  languageOf,
  textOf,
  typedText,
  writtenLanguageOf,
} from './reading.ts';
import { reportOf, saidOfMatter, truncationNotice } from './report-text.ts';
import { presumedFields, type Presumable } from './presumed.ts';

/** The hint of a question about its options (`reask`'s default). */
const DEFAULT_HINT = 'common.notUnderstood';
/** Answers in a row not understood before a person takes over. */
const MISUNDERSTOOD_LIMIT = 3;
/** The setup with the guards and the actions of speaking, remembering and telling. */
export type CoreSetup = ReturnType<typeof coreSetup>;

/** The guards and the actions of speaking, remembering and telling (the earlier steps). */
export function coreSetup(policy: PolicyConfig) {
  return guardedSetup(policy).extend({
    actions: {
      say: emit((_, r: Reply) => ({ type: 'reply' as const, reply: r })),
      ask: enqueueActions(({ enqueue }, r: Reply) => {
        enqueue.assign({ question: r, misunderstood: 0 });
        enqueue.emit({ type: 'reply', reply: r });
      }),
      // Not understood: the hint and the question again — or, after MISUNDERSTOOD_LIMIT in a
      // row, a person takes over rather than the customer going round in circles.
      reask: enqueueActions(({ context, enqueue }, params: { hint: string }) => {
        const misunderstood = (context.misunderstood ?? 0) + 1;
        enqueue.assign({ misunderstood });
        if (misunderstood >= MISUNDERSTOOD_LIMIT) {
          enqueue.raise({ type: 'flow.stuck' });
          return;
        }
        // Issue 13: the last try before a person takes over shows how to answer, with examples
        // — at a question about its options (a question with a hint of its own, such as the
        // identifier's beside the language buttons, keeps that hint).
        const examples =
          misunderstood === MISUNDERSTOOD_LIMIT - 1 && params.hint === DEFAULT_HINT
            ? examplesFor(context.question)
            : null;
        enqueue.emit({ type: 'reply', reply: examples ?? { key: params.hint } });
        if (context.question) enqueue.emit({ type: 'reply', reply: context.question });
      }),
      stamp: assign({
        lastAt: ({ context, event }) =>
          'at' in event && typeof event.at === 'string' ? event.at : context.lastAt,
        said: ({ context, event }) => context.said ?? saidOfMatter(context, event),
      }),
      closeSession: emit(
        (_, params: { reason: 'done' | 'chat-limit' | 'suspended' | 'abandoned' }) => ({
          type: 'session.closed' as const,
          reason: params.reason,
        }),
      ),
      chooseLanguage: assign(({ context, event }) => {
        const language = languageOf(context, event);
        return language ? { language, languageChosen: true } : {};
      }),
      announceLanguage: emit(({ context }) => ({
        type: 'language' as const,
        language: context.language,
      })),
      // Issue 14: no network hint: the language of the customer's first words, said back in it.
      takeWrittenLanguage: enqueueActions(({ context, event, enqueue }) => {
        const language = writtenLanguageOf(context, event);
        if (!language) return;
        enqueue.assign({ language, languageChosen: true });
        enqueue.emit({ type: 'language', language });
      }),
      announceRecordLanguage: enqueueActions(({ context, enqueue }) => {
        if (!context.languageChosen) enqueue.emit({ type: 'language', language: context.language });
      }),
      takeIdentifier: assign(({ event }) => ({
        lookup: event.type === 'customer.text' ? findIdentifier(event.text) : null,
        // Another identifier: whoever the session before knew is not the one asked about.
        returning: false,
      })),
      rememberCustomer: assign(({ context }, customer: CustomerView) => {
        const lookup = context.lookup;
        const contract =
          lookup?.by === 'account' && customer.contractNumbers.includes(lookup.value)
            ? lookup.value
            : null;
        return {
          customer,
          contractNumber:
            contract ??
            (customer.contractNumbers.length === 1 ? (customer.contractNumbers[0] ?? null) : null),
          language: context.languageChosen ? context.language : customer.language,
        };
      }),
      countLookup: assign({ lookupAttempts: ({ context }) => context.lookupAttempts + 1 }),
      adoptKnownContact: assign(({ context }) => {
        const person = knownContact(context);
        return person ? { contact: { ...person } } : {};
      }),
      adoptPrimaryContact: assign(({ context }) => ({
        contact: { ...context.customer!.primaryContact },
      })),
      clearContact: assign({ contact: () => ({ name: '', email: '', phone: '' }) }),
      takeName: assign(({ context, event }) => ({
        contact: { ...context.contact, name: personName(typedText(event)) ?? '' },
      })),
      takeEmail: assign(({ context, event }) => ({
        contact: { ...context.contact, email: textOf(event, MAX_SHORT_CHARS).toLowerCase() },
      })),
      takePhone: assign(({ context, event }) => ({
        contact: { ...context.contact, phone: phoneIn(textOf(event, MAX_SHORT_CHARS)) ?? '' },
      })),
      takeInputPhone: assign(({ context }) => ({
        contact: { ...context.contact, phone: context.inputPhone ?? '' },
      })),
      /** A collected contact that is a named person gets the record's data. */
      matchNamedPerson: assign(({ context }) => {
        const person = context.customer ? namedPerson(context.customer, context.contact) : null;
        return person ? { contact: { ...person } } : {};
      }),
      /** R000-7, R003-7. */
      judgeStanding: assign(({ context }) => {
        const c = context.customer;
        if (!c) return {};
        const mayRequestService = isAuthorised(c, context.contact);
        return { mayRequestService, limited: !c.paymentsUpToDate, identified: true };
      }),
      /** Issue 12: the network verified a phone that is a person of the account: proven. */
      acceptVerifiedPhone: assign(({ context }) =>
        hasVerifiedPhoneOfAccount(context)
          ? {
              proof: {
                accountNumber: context.customer?.accountNumber ?? '',
                by: 'network-phone' as const,
                at: context.lastAt,
              },
            }
          : {},
      ),
      /** Issue 12: where to go on once the account is proven. */
      awaitProof: assign((_, params: { resume: ProofResume }) => ({
        resumeAfterProof: params.resume,
        codeSent: null,
      })),
      rememberCodeSent: assign((_, sent: SendCodeOutput) =>
        sent.outcome === 'sent'
          ? { codeSent: { id: sent.codeId, maskedTo: sent.maskedTo, expiresAt: sent.expiresAt } }
          : {},
      ),
      proveByCode: assign(({ context }) => ({
        proof: {
          accountNumber: context.customer?.accountNumber ?? '',
          by: 'code' as const,
          at: context.lastAt,
        },
        codeSent: null,
      })),
      announceIdentified: emit(({ context }) => ({
        type: 'identified' as const,
        accountNumber: context.customer?.accountNumber ?? null,
        contact: { ...context.contact },
      })),
      /** R004-6: "I am a new customer" at the unknown-customer menu. */
      becomeProspect: assign({
        intent: () => 'newService' as const,
        caseType: () => 'prospect' as const,
        area: () => 'sales' as const,
      }),
      chooseIntent: assign(({ context, event }) => {
        const intent = answerOf(context, event) as Intent;
        const caseType = INTENT_CASE_TYPE[intent];
        const intentText = event.type === 'customer.text' ? textOf(event) : null;
        return { intent, intentText, caseType, area: CASE_AREA[caseType] };
      }),
      resetRequest: assign(() => emptyRequest()),
      /** Issue 13: an answer the request's first words gave (`presumed.ts`). */
      takeSaid: assign(({ context }, params: { which: Presumable }) =>
        presumedFields(context, params.which, policy),
      ),
      /** Issue 13: what the customer said before triage, for triage to read once identified. */
      keepText: assign(({ context, event }) => keptTextAfter(context, event)),
      /** Issue 13: the kept text read as the answer to triage (see `kept-text.ts`). */
      readKeptText: assign(({ context }) => readingOfKeptText(context)),
      /** Triage is asked unless the kept text already answered it (issue 13). */
      askTriage: enqueueActions(({ context, enqueue }) => {
        if (context.intent) return;
        const r: Reply = { key: 'triage.ask', choices: triageChoices(context) };
        enqueue.assign({ question: r, misunderstood: 0 });
        enqueue.emit({ type: 'reply', reply: r });
      }),
      takeCategory: assign(({ context, event }) => ({
        category: answerOf(context, event) as CaseCategory,
      })),
      takeEquipment: assign(({ context, event }) => {
        const e = equipmentAnswered(context, event);
        return e ? { equipmentSerial: e.serial, equipmentLocation: e.location } : {};
      }),
      takeTypedSerial: assign(({ event }) => ({
        equipmentSerial: textOf(event, 64).toUpperCase(),
        equipmentLocation: null,
      })),
      takeLocation: assign(({ event }) => ({ equipmentLocation: textOf(event, MAX_SHORT_CHARS) })),
      takeSeverity: assign(({ context, event }) => ({
        severity: answerOf(context, event) as Severity,
      })),
      takeUrgency: assign(({ context, event }) => {
        const urgency = answerOf(context, event) as Urgency;
        return {
          urgency,
          priority: priorityFromSeverityUrgency(context.severity ?? 'medium', urgency, policy),
        };
      }),
      takeSubject: assign(({ event }) => ({ subject: reportOf(event, MAX_SHORT_CHARS).kept })),
      /** Issue 13: the subject from the description the first message gave, cut at a word. */
      subjectFromDescription: assign(({ context }) => ({
        subject: clipAtWord(context.description, MAX_SHORT_CHARS),
      })),
      // R001-4: kept whole up to its limit; a longer text is cut at a word and the cut is told.
      takeDescription: enqueueActions(({ enqueue, event }) => {
        const { kept, cut } = reportOf(event, MAX_DESCRIPTION_CHARS);
        enqueue.assign({ description: kept });
        if (cut) enqueue.emit(truncationNotice());
      }),
      takeSteps: enqueueActions(({ enqueue, event }) => {
        const { kept, cut } = reportOf(event, MAX_DESCRIPTION_CHARS);
        enqueue.assign({ steps: kept });
        if (cut) enqueue.emit(truncationNotice());
      }),
      /** R001-4: a first-level step and its answer, for the case's description. */
      noteStep: assign(({ context }, params: { step: string }) => ({
        tried: [...(context.tried ?? []), params.step],
      })),
      keepAttachments: assign(({ context, event }) => ({
        attachments: [...context.attachments, ...attachmentsOf(event)].slice(0, 20),
      })),
      takeRemoteConsent: assign((_, params: { consent: boolean }) => ({
        remoteConsent: params.consent,
      })),
      takeComplaintKind: assign(({ context, event }) => {
        const kind = answerOf(context, event);
        const caseType: CaseType = kind === 'otherComplaint' ? 'complaint' : 'claim';
        return { caseType, area: CASE_AREA[caseType], subject: '' };
      }),
      takeDeliveryChannel: assign(({ context, event }) => ({
        deliveryChannel: answerOf(context, event),
      })),
      takePostalAddress: assign(({ context, event }) => ({
        description: `${context.description}\n\n[postal] ${textOf(event, MAX_SHORT_CHARS)}`,
      })),
      noteDeliveryChannel: assign(({ context }) => ({
        description: `[delivery: ${context.deliveryChannel ?? '-'}] ${context.description}`.slice(
          0,
          MAX_DESCRIPTION_CHARS + 40,
        ),
      })),
      rememberCase: assign((_, output: OpenCaseOutput) => caseAssigned(output)),
      rememberCaseNumber: assign((_, caseNumber: CaseNumber) => ({ caseNumber })),
      rememberOfficeHours: assign((_, hours: OfficeHoursView) => ({
        nextOpenAt: hours.nextOpenAt,
      })),
      rememberSlots: assign((_, slots: VisitSlotView[]) => ({ slots: slots.slice(0, 9) })),
      takeSlot: assign(({ context, event }) => ({
        slot: context.slots.find((s) => s.id === answerOf(context, event)) ?? null,
      })),
      takeAttendantMe: assign(({ context }) => ({
        attendant: context.contact.name || context.customer?.primaryContact.name || '',
      })),
      takeAttendant: assign(({ event }) => ({ attendant: personName(typedText(event)) })),
      rememberFolio: assign((_, folio: { folioNumber: string }) => ({
        folioNumber: folio.folioNumber,
      })),
      /** Issue 13: the visits listed; one alone is the one. */
      rememberVisits: assign((_, visits: VisitView[]) => {
        const listed = visits.slice(0, 9);
        return { visits: listed, visit: listed.length === 1 ? (listed[0] ?? null) : null };
      }),
      takeVisit: assign(({ context, event }) => ({
        visit:
          (context.visits ?? []).find((v) => v.folioNumber === answerOf(context, event)) ?? null,
      })),
      /** R002-6: the slots offered for a move, the visit's own slot left out. */
      rememberMoveSlots: assign(({ context }, slots: VisitSlotView[]) => ({
        slots: slots
          .filter((s) => Date.parse(s.start) !== Date.parse(context.visit?.start ?? ''))
          .slice(0, 9),
      })),
      rememberVisitTerms: assign((_, terms: VisitMoveTerms) => ({ visitTerms: terms })),
      /** R000-5: the cost changed before the move: the new terms, to be told and accepted. */
      rememberChangedTerms: assign((_, moved: MoveVisitOutput) =>
        moved.outcome === 'cost-changed' ? { visitTerms: moved.terms } : {},
      ),
      /** The visit now stands at the slot it was moved to. */
      rememberVisitMoved: assign(({ context }) => ({
        visit:
          context.visit && context.slot
            ? {
                ...context.visit,
                start: context.slot.start,
                end: context.slot.end,
                outcome: 'pending' as const,
              }
            : (context.visit ?? null),
      })),
    },
  });
}
