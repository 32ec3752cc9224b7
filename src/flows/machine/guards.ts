/**
 * The guards: yes/no questions about the answer (`chose`, `isEmail`, `isNonsense`), the
 * customer's standing (`isSuspended`, `isContactKnown`) and the request (`isRemoteCategory`).
 * A guard on an actor's result takes the result as its params (`({ event }) => event.output`).
 */
import type { PolicyConfig } from '../../domain/policy/index.ts';
import type { Intent, ProofResume } from '../context.ts';
import type {
  CaseView,
  CheckCodeOutput,
  CustomerView,
  MoveVisitOutput,
  OfficeHoursView,
  SendCodeOutput,
  VisitMoveTerms,
} from '../contract.ts';
import {
  MAX_SHORT_CHARS,
  asksForPerson,
  findIdentifier,
  isEmail,
  looksLikeSerial,
  namedLanguage,
  personName,
  phoneIn,
  typedCode,
} from '../understanding.ts';
import { isOffensive, isVagueSubject, reportText } from '../fair-use/index.ts';
import { REMOTE_CATEGORIES } from './case-request.ts';
import { followUpWait, isProven, knownContact, personSuspensionOf } from './facts.ts';
import {
  answerOf,
  attachmentsOf,
  offenceCountryOf,
  equipmentAnswered,
  isCivilEvent,
  languageOf,
  textOf,
  typedText,
} from './reading.ts';
import { typedSetup } from './setup.ts';
import { presumed, type Presumable } from './presumed.ts';
import { asksForBot, talksAsProspect } from '../wishes.ts';

/** Shortest description accepted (R001-4). */
const MIN_DESCRIPTION_CHARS = 10;

/** The setup with the guards of a deployment's policy. */
export function guardedSetup(policy: PolicyConfig) {
  return typedSetup.extend({
    guards: {
      /** The answer to the waiting question is the choice `id`. */
      chose: ({ context, event }, params: { id: string }) => answerOf(context, event) === params.id,
      choseAnything: ({ context, event }) => answerOf(context, event) !== null,
      /** R001-8: an insult aimed at someone (interjections aimed at nobody do not count). */
      isOffensive: ({ context, event }) =>
        (event.type === 'customer.text' || event.type === 'held.text') &&
        isOffensive(event.text, offenceCountryOf(context)),
      /**
       * The customer asks for a human other than by a question's own person option (triage and
       * the unknown-customer menu handle that one): "quiero hablar con una persona" at triage
       * is not left unanswered (issue 13).
       */
      asksForPersonHere: ({ context, event }) =>
        event.type === 'customer.text' &&
        asksForPerson(event.text) &&
        answerOf(context, event) !== 'person',
      /** Issue 13: back to the bot from the queue ("menú", "volver", "go back"). */
      asksForBot: ({ event }) => event.type === 'customer.text' && asksForBot(event.text),
      /** R004-6: "no soy cliente", "quiero contratar": the prospect flow. */
      talksAsProspect: ({ event }) =>
        event.type === 'customer.text' && !isOffensive(event.text) && talksAsProspect(event.text),
      namesLanguage: ({ context, event }) => languageOf(context, event) !== null,
      /**
       * Issue 13: a message that asks for a language, at a question that does not offer the
       * languages (those read it as their answer).
       */
      switchesLanguageHere: ({ context, event }) =>
        event.type === 'customer.text' &&
        context.question !== null &&
        !(context.question.choices ?? []).some((c) => c.id.startsWith('lang.')) &&
        namedLanguage(event.text) !== null,
      hasIdentifier: ({ event }) =>
        event.type === 'customer.text' && findIdentifier(event.text) !== null,
      isFound: (_, customer: CustomerView | null) => customer !== null,
      /** Issue 13: the session before identified this customer (and who is talking). */
      isReturning: ({ context }) => context.returning === true && context.contact.name !== '',
      isSuspended: ({ context }) => context.customer?.suspended === true,
      /** R001-11: the person talking is suspended (permanently: told without an end). */
      isPersonSuspended: ({ context }) => personSuspensionOf(context) != null,
      isPersonSuspendedForGood: ({ context }) => personSuspensionOf(context)?.until === null,
      /** R003-1: the distribution contract says the distributor serves its customers. */
      isServedByDistributor: ({ context }) =>
        context.customer?.distributor?.servesItsCustomers === true,
      isContactKnown: ({ context }) => knownContact(context) !== undefined,
      /** R000-7: named persons exist and the contact is not one of them. */
      isNotAuthorised: ({ context }) => !context.mayRequestService,
      /** R003-7: payments not up to date. */
      hasPaymentsPending: ({ context }) => context.limited,
      hasInputPhone: ({ context }) => (context.inputPhone ?? '').replace(/\D/g, '').length >= 8,
      isProspect: ({ context }) => context.intent === 'newService',
      /** The request's intent is `id` (issue 13: set by the kept first message). */
      isIntent: ({ context }, params: { id: Intent }) => context.intent === params.id,
      hasIntent: ({ context }) => context.intent !== null,
      /** Issue 13: the kept first message described the request: not asked again. */
      isDescribed: ({ context }) => context.description.length > 0,
      hasCustomer: ({ context }) => context.customer !== null,
      /** An agent gave the conversation back having closed its case: the survey follows (R002-8). */
      closedByAgent: ({ event }) => event.type === 'agent.release' && event.closed === true,
      /** A name, judged as typed: markup is refused, not stripped into a name. */
      isName: ({ event }) => personName(typedText(event)) !== null,
      isEmail: ({ event }) => isEmail(textOf(event, MAX_SHORT_CHARS)),
      isPhone: ({ event }) => phoneIn(textOf(event, MAX_SHORT_CHARS)) !== null,
      hasEquipment: ({ context }) => (context.customer?.equipment.length ?? 0) > 0,
      isKnownSerial: ({ context, event }) => equipmentAnswered(context, event) !== undefined,
      /** R002-2: a new serial only when it looks like one, never "la impresora". */
      isSerial: ({ event }) => looksLikeSerial(textOf(event, 64)),
      isPlace: ({ event }) => /\p{L}.*\p{L}.*\p{L}/u.test(textOf(event, MAX_SHORT_CHARS)),
      /** R001-10: text that cannot be a report (mash, a letter repeated, symbols alone). */
      isNonsense: ({ context, event }) =>
        isCivilEvent(event, offenceCountryOf(context)) && reportText(textOf(event)) === 'nonsense',
      /** R001-10: nonsense, or only data (a folio, a phone) where words are needed: re-asked. */
      isNotAReport: ({ context, event }) =>
        isCivilEvent(event, offenceCountryOf(context)) && reportText(textOf(event)) !== 'words',
      /** Issue 13: the words that chose the request already answer this question. */
      saysAlready: ({ context }, params: { which: Presumable }) =>
        presumed(context, params.which) !== null,
      /** Issue 13: the first message described the fault well enough to be its subject. */
      hasKeptDescription: ({ context }) =>
        context.description.length >= MIN_DESCRIPTION_CHARS &&
        !isVagueSubject(context.description, context.language),
      isVagueSubject: ({ context, event }) =>
        isCivilEvent(event, offenceCountryOf(context)) &&
        isVagueSubject(textOf(event, MAX_SHORT_CHARS), context.language),
      /** Targetless answers wait for this: insults are the clock region's (R001-8). */
      isCivil: ({ context, event }) => isCivilEvent(event, offenceCountryOf(context)),
      isLongEnough: ({ event }) => textOf(event).length >= MIN_DESCRIPTION_CHARS,
      hasAttachments: ({ context, event }) =>
        isCivilEvent(event, offenceCountryOf(context)) && attachmentsOf(event).length > 0,
      isText: ({ event }) => textOf(event).length > 0,
      isJoined: ({ context }) => context.caseOutcome === 'joined',
      /** R001-5: an open case of the account is this matter (type, category, equipment). */
      isSameMatterOpen: ({ context }, open: CaseView | null) =>
        context.equipmentSerial !== null && open !== null,
      hasEquipmentLocation: ({ context }) => context.equipmentLocation !== null,
      isOfficeClosed: (_, hours: OfficeHoursView) => !hours.open,
      isExtendedHours: (_, hours: OfficeHoursView) =>
        hours.open && hours.announcement?.kind === 'extension',
      hasSlots: ({ context }) => context.slots.length > 0,
      hasCase: ({ context }) => context.caseNumber !== null,
      hasNoOpenCases: ({ context }) => context.openCases.length === 0,
      hasOneOpenCase: ({ context }) => context.openCases.length === 1,
      /** R001-9: told it is being followed, and pressing again before the wait is over. */
      isPressing: ({ context }) =>
        context.followUpCase?.followUpToldAt != null && !followUpWait(context, policy).allowed,
      /** R001-6: less than the follow-up wait since the last contact. */
      isTooSoonForFollowUp: ({ context }) => !followUpWait(context, policy).allowed,
      /** R001-11: `recordAbuse` says support is now suspended. */
      isNowSuspended: (_, abuse: { suspended: boolean }) => abuse.suspended,
      hasSeveralContracts: ({ context }) =>
        context.contractNumber === null && (context.customer?.contractNumbers.length ?? 0) > 1,
      isCovered: ({ context }) => context.covered === true,
      isInvoice: ({ context }) => context.caseType === 'invoice',
      isAnonymous: ({ context }) => !context.identified,
      /** Issue 12: this session proved the account it speaks for. */
      isProven: ({ context }) => isProven(context),
      isUnproven: ({ context }) => !isProven(context),
      isTypedCode: ({ event }) => event.type === 'customer.text' && typedCode(event.text) !== null,
      /** A code went out; `again`: this proof had sent one before (its code is now void). */
      isCodeSent: ({ context }, params: { sent: SendCodeOutput; again: boolean }) =>
        params.sent.outcome === 'sent' && (context.codeSent != null) === params.again,
      isRateLimited: (_, sent: SendCodeOutput) => sent.outcome === 'rate-limited',
      isCode: (_, params: { checked: CheckCodeOutput; outcome: CheckCodeOutput['outcome'] }) =>
        params.checked.outcome === params.outcome,
      /** Where the flow goes on after the proof (issue 12). */
      resumesAt: ({ context }, params: { resume: ProofResume }) =>
        context.resumeAfterProof === params.resume,
      /** Issue 13: the account's visits listed (none, one, several). */
      hasNoVisits: ({ context }) => (context.visits ?? []).length === 0,
      hasOneVisit: ({ context }) => (context.visits ?? []).length === 1,
      /** Issue 13: follow-up of a case with a visit, by someone who may move it (R000-7, R003-7). */
      hasVisitToShow: ({ context }) =>
        context.followUpCase?.hasVisit === true && context.mayRequestService && !context.limited,
      /** Came from a case's follow-up (its visit shown): no visit left is not news to tell. */
      isFollowingUp: ({ context }) => context.intent === 'followUp',
      /** R000-5: moving the visit costs `cost`, `because`. */
      isMoveTerms: ({ context }, params: Pick<VisitMoveTerms, 'because'>) =>
        context.visitTerms?.because === params.because,
      isMoveOutcome: (_, params: { moved: MoveVisitOutput; outcome: MoveVisitOutput['outcome'] }) =>
        params.moved.outcome === params.outcome,
      isRemoteCategory: ({ context }) =>
        context.category !== null && REMOTE_CATEGORIES.includes(context.category),
    },
  });
}
