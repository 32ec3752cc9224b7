/**
 * The conversation machine: one XState v5 machine that reads as the support policy
 * (docs/POLICY.md). It speaks only through `emit` of `FlowEmitted` events (replies are
 * i18n keys), performs side effects only through the `fromPromise` actors named after
 * `FlowServices`, waits for the customer only in states tagged `awaitingInput`, keeps a JSON
 * context, never reads a clock and never uses `after`: it survives persist/restore every turn.
 *
 * Shape: `session` is parallel — a `clock` region that stamps every customer event's `at` and
 * catches offensive language in any state (R001-8), and the `conversation` region with the
 * flows. The deep history state lets a warning return the customer to the question they were
 * answering. `timer.chatLimit` (R001-7) is handled at the root, so it works in every state.
 */
import { and, assign, emit, enqueueActions, fromPromise, not, setup, stateIn } from 'xstate';
import type { Attachment, Area, CaseCategory, CaseType } from '../domain/cases/case.ts';
import {
  followUpAllowed,
  priorityFromClass,
  priorityFromFairUse,
  priorityFromSeverityUrgency,
} from '../domain/policy/index.ts';
import type { PolicyConfig, Priority, Severity, Urgency } from '../domain/policy/index.ts';
import type { Country, Language } from '../domain/types.ts';
import { isCountry, isLanguage } from '../domain/types.ts';
import {
  ATTACHMENT_CHOICES,
  ATTENDANT_CHOICES,
  CATEGORY_CHOICES,
  COMPLAINT_KINDS,
  COUNTRY_CHOICES,
  DELIVERY_CHANNELS,
  DONE_NOT_YET,
  LANGUAGE_CHOICES,
  SCORE_CHOICES,
  SEVERITY_CHOICES,
  SKIP,
  UNKNOWN_CUSTOMER_CHOICES,
  URGENCY_CHOICES,
  YES_NO,
  triageChoices,
} from './choices.ts';
import type { ConversationContext, Intent } from './context.ts';
import { emptyRequest, initialContext } from './context.ts';
import type {
  CaseView,
  Choice,
  CustomerView,
  FlowEmitted,
  FlowEvent,
  FlowInput,
  FlowServices,
  OfficeHoursView,
  OpenCaseInput,
  OpenCaseOutput,
  Reply,
  VisitSlotView,
} from './contract.ts';
import { NotProvided } from './errors.ts';
import {
  MAX_DESCRIPTION_CHARS,
  MAX_SHORT_CHARS,
  cleanText,
  findIdentifier,
  isEmail,
  isNonsense,
  asksForPerson,
  isOffensive,
  isVagueSubject,
  labelText,
  matchChoice,
  namedLanguage,
  personName,
  phoneIn,
  samePerson,
} from './understanding.ts';

type Ctx = ConversationContext;
type Params = Record<string, string | number>;
type ServiceInput<K extends keyof FlowServices> = Parameters<FlowServices[K]>[0];
type ServiceOutput<K extends keyof FlowServices> = Awaited<ReturnType<FlowServices[K]>>;

const AWAITING = ['awaitingInput'];
/** Shortest description accepted (R001-4). */
const MIN_DESCRIPTION_CHARS = 10;
/** Answers in a row not understood before a person takes over. */
const MISUNDERSTOOD_LIMIT = 3;

/** A placeholder actor: the engine (or a test) must provide the real one. */
function placeholder<K extends keyof FlowServices>(name: K) {
  return fromPromise<ServiceOutput<K>, ServiceInput<K>>(async () => {
    throw new NotProvided(name);
  });
}

// ---------------------------------------------------------------------------------------------
// Reading events

/** The customer's answer to the question waiting, as a choice id, or null. */
function answerOf(context: Ctx, event: FlowEvent): string | null {
  const choices = context.question?.choices ?? [];
  if (event.type === 'customer.choice') {
    return choices.some((c) => c.id === event.choice) ? event.choice : null;
  }
  if (event.type === 'customer.text' && !isOffensive(event.text)) {
    return matchChoice(event.text, choices, context.language);
  }
  return null;
}

/** The language the customer picked (`lang.xx` choice, its option number, or its name). */
function languageOf(context: Ctx, event: FlowEvent): Language | null {
  const id = event.type === 'customer.choice' ? event.choice : answerOf(context, event);
  if (id?.startsWith('lang.')) {
    const lang = id.slice(5);
    return isLanguage(lang) ? lang : null;
  }
  return event.type === 'customer.text' ? namedLanguage(event.text) : null;
}

/**
 * An answer for the conversation region to read: not offensive (R001-8) and not a request for a
 * human — the clock region handles both in any state, never as an answer.
 */
function isCivilEvent(event: FlowEvent): boolean {
  return event.type !== 'customer.text' || (!isOffensive(event.text) && !asksForPerson(event.text));
}

function textOf(event: FlowEvent, max = MAX_DESCRIPTION_CHARS): string {
  return event.type === 'customer.text' ? cleanText(event.text, max) : '';
}

function attachmentsOf(event: FlowEvent): Attachment[] {
  if (event.type !== 'customer.text' || !Array.isArray(event.attachments)) return [];
  return event.attachments
    .filter((a) => a && typeof a.url === 'string')
    .slice(0, 20)
    .map((a) => ({
      name: cleanText(a.name, MAX_SHORT_CHARS),
      contentType: cleanText(a.contentType, 100),
      url: cleanText(a.url, 2_000),
    }));
}

function timeZoneOf(context: Ctx, policy: PolicyConfig): string {
  if (context.customer) return context.customer.timeZone;
  const country = context.prospectCountry ?? 'MX';
  return policy.countries[country]?.timeZone ?? 'America/Mexico_City';
}

function countryOf(context: Ctx): Country {
  return context.customer?.country ?? context.prospectCountry ?? 'MX';
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

const INTENT_CASE_TYPE: Record<Intent, CaseType> = {
  technical: 'technical-fault',
  doubt: 'doubt',
  complaint: 'complaint',
  invoice: 'invoice',
  cancellation: 'cancellation',
  newService: 'prospect',
  followUp: 'other',
  person: 'other',
  other: 'other',
};

/** R004-2: the area a request goes to. */
const CASE_AREA: Record<CaseType, Area> = {
  'technical-fault': 'technical',
  doubt: 'customer-service',
  clarification: 'customer-service',
  complaint: 'customer-service',
  claim: 'administration',
  invoice: 'administration',
  cancellation: 'administration',
  prospect: 'sales',
  other: 'customer-service',
};

/** What the flow knows of the priority so far (R001-1 questions are low, R003-5 claims high). */
function priorityOf(context: Ctx, policy: PolicyConfig): Priority {
  if (context.priority) return context.priority;
  if (context.caseType === 'claim' || context.caseType === 'complaint') {
    return priorityFromClass('high', policy);
  }
  if (context.caseType === 'technical-fault') return priorityFromFairUse('medium', policy);
  return priorityFromFairUse('low', policy);
}

/** R003-9: categories where a remote session by a technician makes sense. */
const REMOTE_CATEGORIES: readonly CaseCategory[] = ['software', 'computing'];

/** R003-9: the customer's answer about remote access, as a data tag for the case. */
function remoteTag(context: Ctx): string {
  if (context.remoteConsent == null) return '';
  return `\n[remote access: ${context.remoteConsent ? 'consented' : 'refused'}]`;
}

/** R002-1: the contact-centre phone of the customer's country, when the country is known. */
function contactCentrePhone(context: Ctx): string | null {
  const country = context.customer?.country ?? context.prospectCountry;
  return country ? labelText(context.language, `contactCentre.${country}`) : null;
}

function openCaseInput(
  context: Ctx,
  policy: PolicyConfig,
  extra: Partial<OpenCaseInput> = {},
): OpenCaseInput {
  const type = context.caseType ?? 'other';
  return {
    conversationId: context.conversationId,
    accountNumber: context.customer?.accountNumber ?? null,
    country: countryOf(context),
    timeZone: timeZoneOf(context, policy),
    requesterName: context.customer?.name ?? context.contact.name,
    contractNumber: context.contractNumber ?? context.customer?.contractNumbers[0] ?? null,
    equipmentSerial: context.equipmentSerial,
    equipmentLocation: context.equipmentLocation,
    contact: { ...context.contact },
    subject: context.subject || context.description.slice(0, 80) || type,
    description: `${context.description || context.subject || type}${remoteTag(context)}`,
    stepsToReproduce: context.steps,
    type,
    category: context.category,
    area: context.area ?? CASE_AREA[type],
    severity: context.severity,
    urgency: context.urgency,
    priority: priorityOf(context, policy),
    attachments: [...context.attachments],
    includeTranscript: false,
    solvedAtFirstLevel: false,
    ...extra,
  };
}

function caseAssigned(output: OpenCaseOutput): Partial<Ctx> {
  return {
    caseNumber: output.caseNumber,
    caseOutcome: output.outcome,
    caseOpenedAt: output.openedAt,
    firstContactDue: output.firstContactDue,
  };
}

/** R001-6 / R001-9: the last instant that starts the follow-up wait. */
function followUpReference(c: CaseView): string {
  if (c.followUpToldAt && Date.parse(c.followUpToldAt) > Date.parse(c.lastContactAt)) {
    return c.followUpToldAt;
  }
  return c.lastContactAt;
}

function followUpWait(context: Ctx, policy: PolicyConfig) {
  const c = context.followUpCase;
  if (!c) return { allowed: true, waitMinutes: 0 };
  return followUpAllowed(new Date(followUpReference(c)), new Date(context.lastAt), policy);
}

// ---------------------------------------------------------------------------------------------
// Reply builders: plain action objects naming the `say` and `ask` actions of the setup.

type Dyn<T> = T | ((context: Ctx) => T);
const value = <T>(v: Dyn<T>, context: Ctx): T =>
  typeof v === 'function' ? (v as (c: Ctx) => T)(context) : v;

function reply(
  key: string,
  params: Dyn<Params> | undefined,
  choices: Dyn<Choice[]> | undefined,
  context: Ctx,
): Reply {
  const r: Reply = { key };
  if (params) r.params = value(params, context);
  if (choices) r.choices = value(choices, context);
  return r;
}

/** Tell the customer something (no answer awaited). */
function say(key: string, params?: Dyn<Params>) {
  return {
    type: 'say' as const,
    params: ({ context }: { context: Ctx }) => reply(key, params, undefined, context),
  };
}

/** Ask a question: remembered in context so that answers are read against its choices. */
function ask(key: string, choices?: Dyn<Choice[]>, params?: Dyn<Params>) {
  return {
    type: 'ask' as const,
    params: ({ context }: { context: Ctx }) => reply(key, params, choices, context),
  };
}

/** Not understood: a hint, then the question again. */
function reask(hint = 'common.notUnderstood') {
  return { type: 'reask' as const, params: { hint } };
}

/**
 * Builds the conversation machine for a deployment's policy. Its actors are placeholders that
 * throw `NotProvided`; give it the real services with `provideServices`.
 */
/** The customer's name as a sentence ends with it: "S.A. de C.V." would end it twice. */
function companyName(context: ConversationContext): string {
  return (context.customer?.name ?? '').replace(/\.+$/, '');
}

export function createConversationMachine(policy: PolicyConfig) {
  const zoneParams = (context: Ctx): Params => ({ timeZone: timeZoneOf(context, policy) });

  return setup({
    types: {
      context: {} as Ctx,
      events: {} as FlowEvent,
      input: {} as FlowInput,
      emitted: {} as FlowEmitted,
    },
    actors: {
      findCustomer: placeholder('findCustomer'),
      openCase: placeholder('openCase'),
      closeCase: placeholder('closeCase'),
      listOpenCases: placeholder('listOpenCases'),
      recordFollowUp: placeholder('recordFollowUp'),
      officeHours: placeholder('officeHours'),
      proposeVisitSlots: placeholder('proposeVisitSlots'),
      openFolio: placeholder('openFolio'),
      checkCoverage: placeholder('checkCoverage'),
      recordAbuse: placeholder('recordAbuse'),
      recordSurvey: placeholder('recordSurvey'),
      registerCancellation: placeholder('registerCancellation'),
    },
    guards: {
      /** The answer to the waiting question is the choice `id`. */
      chose: ({ context, event }, params: { id: string }) => answerOf(context, event) === params.id,
      choseAnything: ({ context, event }) => answerOf(context, event) !== null,
      isOffensive: ({ event }) => event.type === 'customer.text' && isOffensive(event.text),
      /**
       * The customer asks for a human at a question that does not offer one (triage and the
       * unknown-customer menu do, and handle it).
       */
      asksForPersonHere: ({ context, event }) =>
        event.type === 'customer.text' &&
        asksForPerson(event.text) &&
        !(context.question?.choices ?? []).some((c) => c.id === 'person'),
      namesLanguage: ({ context, event }) => languageOf(context, event) !== null,
      hasIdentifier: ({ event }) =>
        event.type === 'customer.text' && findIdentifier(event.text) !== null,
      isFound: ({ event }) => (event as unknown as { output: CustomerView | null }).output !== null,
      isSuspended: ({ context }) => context.customer?.suspended === true,
      /** R003-1: the distribution contract says the distributor serves its customers. */
      isServedByDistributor: ({ context }) =>
        context.customer?.distributor?.servesItsCustomers === true,
      isContactKnown: ({ context }) => {
        const c = context.customer;
        if (!c) return false;
        const people = [c.primaryContact, ...c.authorisedPersons];
        const probe = {
          email: context.lookup?.by === 'email' ? context.lookup.value : '',
          phone: context.lookup?.by === 'phone' ? context.lookup.value : (context.inputPhone ?? ''),
        };
        return people.some((p) => samePerson(p, probe));
      },
      hasInputPhone: ({ context }) => (context.inputPhone ?? '').replace(/\D/g, '').length >= 8,
      isProspect: ({ context }) => context.intent === 'newService',
      hasCustomer: ({ context }) => context.customer !== null,
      isName: ({ event }) => personName(textOf(event)) !== null,
      isEmail: ({ event }) => isEmail(textOf(event, MAX_SHORT_CHARS)),
      isPhone: ({ event }) => phoneIn(textOf(event, MAX_SHORT_CHARS)) !== null,
      hasEquipment: ({ context }) => (context.customer?.equipment.length ?? 0) > 0,
      isKnownSerial: ({ context, event }) => {
        const id = answerOf(context, event);
        const typed = textOf(event, 64).toUpperCase();
        return (context.customer?.equipment ?? []).some(
          (e) => e.serial === id || e.serial.toUpperCase() === typed,
        );
      },
      isSerial: ({ event }) => /^[\p{L}\p{N}][\p{L}\p{N}\-_/. ]{1,63}$/u.test(textOf(event, 64)),
      isPlace: ({ event }) => /\p{L}.*\p{L}.*\p{L}/u.test(textOf(event, MAX_SHORT_CHARS)),
      isNonsense: ({ event }) => isCivilEvent(event) && isNonsense(textOf(event)),
      isVagueSubject: ({ context, event }) =>
        isCivilEvent(event) && isVagueSubject(textOf(event, MAX_SHORT_CHARS), context.language),
      /** Targetless answers wait for this: offensive text is the clock region's (R001-8). */
      isCivil: ({ event }) => isCivilEvent(event),
      isLongEnough: ({ event }) => textOf(event).length >= MIN_DESCRIPTION_CHARS,
      hasAttachments: ({ event }) => isCivilEvent(event) && attachmentsOf(event).length > 0,
      isText: ({ event }) => textOf(event).length > 0,
      isJoined: ({ context }) => context.caseOutcome === 'joined',
      isOfficeClosed: ({ event }) => !(event as unknown as { output: OfficeHoursView }).output.open,
      hasSlots: ({ context }) => context.slots.length > 0,
      hasCase: ({ context }) => context.caseNumber !== null,
      hasNoOpenCases: ({ context }) => context.openCases.length === 0,
      hasOneOpenCase: ({ context }) => context.openCases.length === 1,
      /** R001-9: told it is being followed, and pressing again before the wait is over. */
      isPressing: ({ context }) =>
        context.followUpCase?.followUpToldAt != null && !followUpWait(context, policy).allowed,
      /** R001-6: less than the follow-up wait since the last contact. */
      isTooSoonForFollowUp: ({ context }) => !followUpWait(context, policy).allowed,
      isNowSuspended: ({ event }) =>
        (event as unknown as { output: { suspended: boolean } }).output.suspended,
      hasSeveralContracts: ({ context }) =>
        context.contractNumber === null && (context.customer?.contractNumbers.length ?? 0) > 1,
      isCovered: ({ context }) => context.covered === true,
      wasPostal: ({ context }) => context.deliveryChannel === 'postal',
      isInvoice: ({ context }) => context.caseType === 'invoice',
      isAnonymous: ({ context }) => !context.identified,
      isRemoteCategory: ({ context }) =>
        context.category !== null && REMOTE_CATEGORIES.includes(context.category),
    },
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
        enqueue.emit({ type: 'reply', reply: { key: params.hint } });
        if (context.question) enqueue.emit({ type: 'reply', reply: context.question });
      }),
      stamp: assign({
        lastAt: ({ context, event }) =>
          'at' in event && typeof event.at === 'string' ? event.at : context.lastAt,
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
      takeIdentifier: assign(({ event }) => ({
        lookup: event.type === 'customer.text' ? findIdentifier(event.text) : null,
      })),
      rememberCustomer: assign(({ context, event }) => {
        const customer = (event as unknown as { output: CustomerView }).output;
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
        const c = context.customer!;
        const probe = {
          email: context.lookup?.by === 'email' ? context.lookup.value : '',
          phone: context.lookup?.by === 'phone' ? context.lookup.value : (context.inputPhone ?? ''),
        };
        const person = [c.primaryContact, ...c.authorisedPersons].find((p) => samePerson(p, probe));
        return person ? { contact: { ...person } } : {};
      }),
      adoptPrimaryContact: assign(({ context }) => ({
        contact: { ...context.customer!.primaryContact },
      })),
      clearContact: assign({ contact: () => ({ name: '', email: '', phone: '' }) }),
      takeName: assign(({ context, event }) => ({
        contact: { ...context.contact, name: personName(textOf(event)) ?? '' },
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
        const c = context.customer;
        if (!c) return {};
        const person = [c.primaryContact, ...c.authorisedPersons].find((p) =>
          samePerson(p, context.contact),
        );
        return person ? { contact: { ...person } } : {};
      }),
      /** R000-7, R003-7. */
      judgeStanding: assign(({ context }) => {
        const c = context.customer;
        if (!c) return {};
        const named = [c.primaryContact, ...c.authorisedPersons];
        const mayRequestService =
          c.authorisedPersons.length === 0 || named.some((p) => samePerson(p, context.contact));
        return { mayRequestService, limited: !c.paymentsUpToDate, identified: true };
      }),
      announceIdentified: emit(({ context }) => ({
        type: 'identified' as const,
        accountNumber: context.customer?.accountNumber ?? null,
        contact: { ...context.contact },
      })),
      chooseIntent: assign(({ context, event }) => {
        const intent = answerOf(context, event) as Intent;
        const caseType = INTENT_CASE_TYPE[intent];
        return { intent, caseType, area: CASE_AREA[caseType] };
      }),
      resetRequest: assign(() => emptyRequest()),
      takeCategory: assign(({ context, event }) => ({
        category: answerOf(context, event) as CaseCategory,
      })),
      takeEquipment: assign(({ context, event }) => {
        const id = answerOf(context, event);
        const typed = textOf(event, 64).toUpperCase();
        const e = (context.customer?.equipment ?? []).find(
          (x) => x.serial === id || x.serial.toUpperCase() === typed,
        );
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
      takeSubject: assign(({ event }) => ({ subject: textOf(event, MAX_SHORT_CHARS) })),
      takeDescription: assign(({ event }) => ({ description: textOf(event) })),
      takeSteps: assign(({ event }) => ({ steps: textOf(event) })),
      keepAttachments: assign(({ context, event }) => ({
        attachments: [...context.attachments, ...attachmentsOf(event)].slice(0, 20),
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
      rememberCase: assign(({ event }) =>
        caseAssigned((event as unknown as { output: OpenCaseOutput }).output),
      ),
      rememberSlots: assign(({ event }) => ({
        slots: (event as unknown as { output: VisitSlotView[] }).output.slice(0, 9),
      })),
      takeSlot: assign(({ context, event }) => ({
        slot: context.slots.find((s) => s.id === answerOf(context, event)) ?? null,
      })),
      takeAttendantMe: assign(({ context }) => ({
        attendant: context.contact.name || context.customer?.primaryContact.name || '',
      })),
      takeAttendant: assign(({ event }) => ({ attendant: personName(textOf(event)) })),
      rememberOfficeHours: assign(({ event }) => ({
        nextOpenAt: (event as unknown as { output: OfficeHoursView }).output.nextOpenAt,
      })),
      rememberAbuse: assign(({ event }) => ({
        abuseWarnings: (event as unknown as { output: { warnings: number } }).output.warnings,
      })),
      announceRecordLanguage: enqueueActions(({ context, enqueue }) => {
        if (!context.languageChosen) enqueue.emit({ type: 'language', language: context.language });
      }),
      rememberFolio: assign(({ event }) => ({
        folioNumber: (event as unknown as { output: { folioNumber: string } }).output.folioNumber,
      })),
      rememberOpenCases: assign(({ event }) => {
        const cases = (event as unknown as { output: CaseView[] }).output.slice(0, 9);
        return { openCases: cases, followUpCase: cases.length === 1 ? (cases[0] ?? null) : null };
      }),
      takeFollowUpCase: assign(({ context, event }) => ({
        followUpCase: context.openCases.find((c) => c.number === answerOf(context, event)) ?? null,
      })),
      takeCountry: assign(({ context, event }) => {
        const id = answerOf(context, event);
        return isCountry(id) ? { prospectCountry: id } : {};
      }),
      takeAddress: assign(({ event }) => ({ address: textOf(event, MAX_SHORT_CHARS) })),
      rememberCoverage: assign(({ context, event }) => {
        const out = (event as unknown as { output: { covered: boolean; city: string | null } })
          .output;
        const covered = out.covered;
        return {
          covered,
          coveredCity: out.city,
          caseType: 'prospect' as CaseType,
          area: (covered ? 'sales' : 'technical') as Area,
          subject: `prospect: ${out.city ?? context.address ?? ''}`.slice(0, MAX_SHORT_CHARS),
          description: `${countryOf(context)} — ${context.address ?? ''}`,
        };
      }),
      takeContract: assign(({ context, event }) => ({ contractNumber: answerOf(context, event) })),
      takeScore: assign(({ context, event }) => ({
        surveyScore: Number(answerOf(context, event)),
      })),
      takeComment: assign(({ event }) => ({ description: textOf(event, 500) })),
      skipComment: assign({ description: '' }),
      takeRemoteConsent: assign((_, params: { consent: boolean }) => ({
        remoteConsent: params.consent,
      })),
      /** R002-1: cases are opened through the country's contact centre. */
      tellContactCentre: enqueueActions(({ context, enqueue }) => {
        const phone = contactCentrePhone(context);
        if (phone) {
          enqueue.emit({
            type: 'reply',
            reply: { key: 'handoff.contactCentre', params: { phone } },
          });
        }
      }),
      handOffBecause: assign((_, params: { reason: string }) => ({ handoffReason: params.reason })),
      announceHandoff: emit(({ context }) => ({
        type: 'handoff' as const,
        reason: context.handoffReason,
        level: 'L1' as const,
        priority: priorityOf(context, policy),
        caseNumber: context.caseNumber,
      })),
      takeReleasedCase: assign(({ context, event }) => ({
        caseNumber:
          event.type === 'agent.release' && event.caseNumber
            ? event.caseNumber
            : context.caseNumber,
      })),
    },
  }).createMachine({
    id: 'bot',
    context: ({ input }) => initialContext(input, policy),
    initial: 'session',
    on: {
      // R001-7: the 20-minute limit turns the chat into a ticket, whatever state it is in.
      'timer.chatLimit': { target: '.chatLimit', actions: 'stamp' },
    },
    states: {
      session: {
        type: 'parallel',
        states: {
          clock: {
            initial: 'ticking',
            states: {
              ticking: {
                on: {
                  'customer.*': [
                    // R001-8: offensive language in any answer, before the answer is read.
                    { guard: 'isOffensive', target: '#bot.recordingAbuse', actions: 'stamp' },
                    // Asking for a person works at any question, not only at triage.
                    {
                      guard: and([
                        'asksForPersonHere',
                        not(stateIn('#bot.session.conversation.handoff')),
                      ]),
                      target: '#bot.session.conversation.handoff',
                      actions: [
                        'stamp',
                        { type: 'handOffBecause', params: { reason: 'customer-request' } },
                      ],
                    },
                    { actions: 'stamp' },
                  ],
                  'agent.release': { actions: 'stamp' },
                },
              },
            },
          },
          conversation: {
            initial: 'starting',
            on: {
              'flow.stuck': {
                target: '.handoff',
                actions: [
                  say('common.notUnderstoodHandoff'),
                  { type: 'handOffBecause', params: { reason: 'not-understood' } },
                ],
              },
            },
            states: {
              hist: { type: 'history', history: 'deep' },

              // The first customer event: a language, an identifier, or just "hola".
              starting: {
                tags: AWAITING,
                on: {
                  'customer.*': [
                    {
                      guard: 'namesLanguage',
                      target: 'identification.askingIdentifier',
                      actions: ['chooseLanguage', 'announceLanguage', say('welcome.greeting')],
                    },
                    {
                      guard: 'hasIdentifier',
                      target: 'identification.lookingUp',
                      actions: ['takeIdentifier', say('welcome.greeting')],
                    },
                    { target: 'identification.askingIdentifier', actions: say('welcome.greeting') },
                  ],
                },
              },

              // R004-1: customer or account number (or e-mail or phone), e-mail and phone.
              identification: {
                initial: 'askingIdentifier',
                states: {
                  askingIdentifier: {
                    tags: AWAITING,
                    entry: ask('identification.askIdentifier', LANGUAGE_CHOICES),
                    on: {
                      'customer.*': [
                        {
                          guard: 'namesLanguage',
                          target: 'askingIdentifier',
                          reenter: true,
                          actions: ['chooseLanguage', 'announceLanguage'],
                        },
                        { guard: 'hasIdentifier', target: 'lookingUp', actions: 'takeIdentifier' },
                        { guard: 'isCivil', actions: reask('identification.notUnderstood') },
                      ],
                    },
                  },
                  lookingUp: {
                    invoke: {
                      src: 'findCustomer',
                      input: ({ context }) =>
                        context.lookup ?? { by: 'account' as const, value: '' },
                      onDone: [
                        {
                          guard: 'isFound',
                          target: 'checkingStanding',
                          actions: ['rememberCustomer', 'announceRecordLanguage'],
                        },
                        { target: 'unknown', actions: 'countLookup' },
                      ],
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                  unknown: {
                    tags: AWAITING,
                    entry: [
                      say('identification.notFound'),
                      ask('identification.unknown.ask', UNKNOWN_CUSTOMER_CHOICES),
                    ],
                    on: {
                      'customer.*': [
                        { guard: 'hasIdentifier', target: 'lookingUp', actions: 'takeIdentifier' },
                        {
                          guard: { type: 'chose', params: { id: 'retry' } },
                          target: 'askingIdentifier',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'newCustomer' } },
                          target: '#bot.session.conversation.prospect',
                          actions: assign({
                            intent: () => 'newService' as const,
                            caseType: () => 'prospect' as const,
                            area: () => 'sales' as const,
                          }),
                        },
                        {
                          guard: { type: 'chose', params: { id: 'person' } },
                          target: '#bot.session.conversation.handoff',
                          actions: {
                            type: 'handOffBecause',
                            params: { reason: 'unknown-customer' },
                          },
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  checkingStanding: {
                    always: [
                      // R001-11: support is suspended for this customer.
                      {
                        guard: 'isSuspended',
                        target: '#bot.closedSuspended',
                        actions: [say('identification.suspended')],
                      },
                      // R003-1: served through the distributor.
                      {
                        guard: 'isServedByDistributor',
                        target: '#bot.closedDone',
                        actions: say('identification.servedByDistributor', (c) => ({
                          name: c.customer?.distributor?.name ?? '',
                          phone: c.customer?.distributor?.phone ?? '',
                          email: c.customer?.distributor?.email ?? '',
                        })),
                      },
                      {
                        guard: 'isContactKnown',
                        target: 'confirmed',
                        actions: 'adoptKnownContact',
                      },
                      { target: 'askingIsPrimary' },
                    ],
                  },
                  // Never ask what the record answers: confirm the primary contact with yes/no.
                  askingIsPrimary: {
                    tags: AWAITING,
                    entry: ask('identification.askIsPrimary', YES_NO, (c) => ({
                      name: c.customer?.primaryContact.name ?? '',
                      company: companyName(c),
                    })),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'yes' } },
                          target: 'confirmed',
                          actions: 'adoptPrimaryContact',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: '#bot.session.conversation.contactDetails',
                          actions: 'clearContact',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  confirmed: {
                    entry: [
                      'judgeStanding',
                      'announceIdentified',
                      say('identification.welcome', (c) => ({
                        name: firstName(c.contact.name),
                        company: companyName(c),
                      })),
                    ],
                    always: [
                      {
                        guard: ({ context }) => !context.mayRequestService,
                        target: '#bot.session.conversation.triage',
                        actions: say('identification.notAuthorised'),
                      },
                      {
                        guard: ({ context }) => context.limited,
                        target: '#bot.session.conversation.triage',
                        actions: say('identification.paymentsPending'),
                      },
                      { target: '#bot.session.conversation.triage' },
                    ],
                  },
                },
              },

              // Name, e-mail and phone of the person talking (R004-1, R002-2 E).
              contactDetails: {
                initial: 'askingName',
                states: {
                  askingName: {
                    tags: AWAITING,
                    entry: ask('contact.askName'),
                    on: {
                      'customer.*': [
                        { guard: 'isName', target: 'askingEmail', actions: 'takeName' },
                        { guard: 'isCivil', actions: reask('contact.invalidName') },
                      ],
                    },
                  },
                  askingEmail: {
                    tags: AWAITING,
                    entry: ask('contact.askEmail'),
                    on: {
                      'customer.*': [
                        { guard: 'isEmail', target: 'checkingPhone', actions: 'takeEmail' },
                        { guard: 'isCivil', actions: reask('contact.invalidEmail') },
                      ],
                    },
                  },
                  checkingPhone: {
                    always: [
                      { guard: 'hasInputPhone', target: 'complete', actions: 'takeInputPhone' },
                      { target: 'askingPhone' },
                    ],
                  },
                  askingPhone: {
                    tags: AWAITING,
                    entry: ask('contact.askPhone'),
                    on: {
                      'customer.*': [
                        { guard: 'isPhone', target: 'complete', actions: 'takePhone' },
                        { guard: 'isCivil', actions: reask('contact.invalidPhone') },
                      ],
                    },
                  },
                  complete: {
                    always: [
                      {
                        guard: 'isProspect',
                        target: '#bot.session.conversation.prospect.openingCase',
                      },
                      {
                        target: '#bot.session.conversation.identification.confirmed',
                        actions: 'matchNamedPerson',
                      },
                    ],
                  },
                },
              },

              triage: {
                tags: AWAITING,
                entry: ['resetRequest', ask('triage.ask', triageChoices)],
                on: {
                  'customer.*': [
                    {
                      guard: { type: 'chose', params: { id: 'technical' } },
                      target: 'technical',
                      actions: 'chooseIntent',
                    },
                    {
                      guard: { type: 'chose', params: { id: 'doubt' } },
                      target: 'request.askingDescription',
                      actions: 'chooseIntent',
                    },
                    {
                      guard: { type: 'chose', params: { id: 'complaint' } },
                      target: 'request.choosingComplaintKind',
                      actions: 'chooseIntent',
                    },
                    {
                      guard: { type: 'chose', params: { id: 'invoice' } },
                      target: 'request.askingDescription',
                      actions: 'chooseIntent',
                    },
                    {
                      guard: { type: 'chose', params: { id: 'cancellation' } },
                      target: 'cancellation',
                      actions: 'chooseIntent',
                    },
                    {
                      guard: { type: 'chose', params: { id: 'newService' } },
                      target: 'prospect',
                      actions: 'chooseIntent',
                    },
                    {
                      guard: { type: 'chose', params: { id: 'followUp' } },
                      target: 'followUp',
                      actions: 'chooseIntent',
                    },
                    // R004-7: anything else — described, then routed like a doubt.
                    {
                      guard: { type: 'chose', params: { id: 'other' } },
                      target: 'request.askingDescription',
                      actions: 'chooseIntent',
                    },
                    {
                      guard: { type: 'chose', params: { id: 'person' } },
                      target: 'handoff',
                      actions: [
                        'chooseIntent',
                        { type: 'handOffBecause', params: { reason: 'customer-request' } },
                      ],
                    },
                    { guard: 'isCivil', actions: reask() },
                  ],
                },
              },

              // R004-3, R001-0, R002-2, R002-3, R002-9: first-level technical attention.
              technical: {
                initial: 'choosingCategory',
                states: {
                  choosingCategory: {
                    tags: AWAITING,
                    entry: ask('technical.askCategory', CATEGORY_CHOICES),
                    on: {
                      'customer.*': [
                        {
                          guard: 'choseAnything',
                          target: 'pickingEquipment',
                          actions: 'takeCategory',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  pickingEquipment: {
                    always: [
                      { guard: 'hasEquipment', target: 'choosingEquipment' },
                      { target: 'askingSerial' },
                    ],
                  },
                  choosingEquipment: {
                    tags: AWAITING,
                    entry: ask('technical.askEquipment', (c) => [
                      ...(c.customer?.equipment ?? []).map((e) => ({
                        id: e.serial,
                        key: 'technical.equipmentOption',
                        params: { serial: e.serial, description: e.description },
                      })),
                      { id: 'other', key: 'technical.equipmentOther' },
                    ]),
                    on: {
                      'customer.*': [
                        {
                          guard: 'isKnownSerial',
                          target: 'confirmingLocation',
                          actions: 'takeEquipment',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'other' } },
                          target: 'askingSerial',
                        },
                        { guard: 'isSerial', target: 'askingLocation', actions: 'takeTypedSerial' },
                        { guard: 'isCivil', actions: reask('technical.equipmentNotUnderstood') },
                      ],
                    },
                  },
                  askingSerial: {
                    tags: AWAITING,
                    entry: ask('technical.askSerial'),
                    on: {
                      'customer.*': [
                        {
                          guard: 'isKnownSerial',
                          target: 'confirmingLocation',
                          actions: 'takeEquipment',
                        },
                        { guard: 'isSerial', target: 'askingLocation', actions: 'takeTypedSerial' },
                        { guard: 'isCivil', actions: reask('technical.serialNotUnderstood') },
                      ],
                    },
                  },
                  // R002-2 D: the record gives the location; confirm it rather than ask it.
                  confirmingLocation: {
                    tags: AWAITING,
                    entry: ask('technical.confirmLocation', YES_NO, (c) => ({
                      serial: c.equipmentSerial ?? '',
                      location: c.equipmentLocation ?? '',
                    })),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'yes' } },
                          target: 'rulingOutExternal',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: 'askingLocation',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  askingLocation: {
                    tags: AWAITING,
                    entry: ask('technical.askLocation'),
                    on: {
                      'customer.*': [
                        { guard: 'isPlace', target: 'rulingOutExternal', actions: 'takeLocation' },
                        { guard: 'isCivil', actions: reask('technical.locationNotUnderstood') },
                      ],
                    },
                  },
                  // R001-0: outside causes first (internet provider, Outlook, Windows).
                  rulingOutExternal: {
                    tags: AWAITING,
                    entry: ask('technical.askExternalRuledOut', YES_NO),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'yes' } },
                          target: 'confirmingPower',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: 'checkingExternal',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  checkingExternal: {
                    tags: AWAITING,
                    entry: [
                      say('technical.howToRuleOutExternal'),
                      ask('technical.askIsExternal', YES_NO),
                    ],
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'yes' } },
                          target: '#bot.session.conversation.anythingElse',
                          actions: say('technical.externalCause'),
                        },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: 'confirmingPower',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  // R004-3: power → on → restart → verify.
                  confirmingPower: {
                    tags: AWAITING,
                    entry: ask('technical.askPower', YES_NO),
                    on: {
                      'customer.*': [
                        { guard: { type: 'chose', params: { id: 'yes' } }, target: 'confirmingOn' },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: 'awaitingPlugIn',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  awaitingPlugIn: {
                    tags: AWAITING,
                    entry: ask('technical.askPlugIn', DONE_NOT_YET),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'done' } },
                          target: 'confirmingPower',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'notYet' } },
                          actions: say('common.takeYourTime'),
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  confirmingOn: {
                    tags: AWAITING,
                    entry: ask('technical.askOn', YES_NO),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'yes' } },
                          target: 'awaitingRestart',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: 'awaitingTurnOn',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  awaitingTurnOn: {
                    tags: AWAITING,
                    entry: ask('technical.askTurnOn', DONE_NOT_YET),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'done' } },
                          target: 'confirmingOn',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'notYet' } },
                          actions: say('common.takeYourTime'),
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  awaitingRestart: {
                    tags: AWAITING,
                    entry: ask('technical.askRestart', DONE_NOT_YET),
                    on: {
                      'customer.*': [
                        { guard: { type: 'chose', params: { id: 'done' } }, target: 'verifying' },
                        {
                          guard: { type: 'chose', params: { id: 'notYet' } },
                          actions: say('common.takeYourTime'),
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  verifying: {
                    tags: AWAITING,
                    entry: ask('technical.askWorksNow', YES_NO),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'yes' } },
                          target: 'openingSolvedCase',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: 'checkingRemote',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  // R003-9: remote access is a last resort, only with the customer's consent.
                  checkingRemote: {
                    always: [
                      { guard: 'isRemoteCategory', target: 'askingRemoteConsent' },
                      { target: 'choosingSeverity' },
                    ],
                  },
                  askingRemoteConsent: {
                    tags: AWAITING,
                    entry: ask('technical.askRemoteConsent', YES_NO),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'yes' } },
                          target: 'choosingSeverity',
                          actions: { type: 'takeRemoteConsent', params: { consent: true } },
                        },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: 'choosingSeverity',
                          actions: { type: 'takeRemoteConsent', params: { consent: false } },
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  // R004-3: solved at first level — a case opened; R000-12: the customer confirms
                  // it is finished before it is closed and the survey starts.
                  openingSolvedCase: {
                    invoke: {
                      src: 'openCase',
                      input: ({ context }) =>
                        openCaseInput(context, policy, {
                          subject:
                            `first-level: ${context.category ?? '-'} ${context.equipmentSerial ?? ''}`.trim(),
                          description: 'power: yes; on: yes; restart: done; verified: works',
                          priority: priorityFromFairUse('medium', policy),
                          // Not yet: the closure records it once the customer confirms (R000-12).
                          solvedAtFirstLevel: false,
                        }),
                      onDone: { target: 'confirmingFinished', actions: 'rememberCase' },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                  confirmingFinished: {
                    tags: AWAITING,
                    entry: ask('technical.askCaseFinished', YES_NO, (c) => ({
                      caseNumber: c.caseNumber ?? '',
                    })),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'yes' } },
                          target: 'closingSolvedCase',
                        },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: '#bot.session.conversation.handoff',
                          actions: [
                            say('technical.caseStaysOpen', (c) => ({
                              caseNumber: c.caseNumber ?? '',
                            })),
                            { type: 'handOffBecause', params: { reason: 'case-not-finished' } },
                          ],
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  closingSolvedCase: {
                    invoke: {
                      src: 'closeCase',
                      input: ({ context }) => ({
                        caseNumber: context.caseNumber ?? '',
                        solvedAtFirstLevel: true,
                        verifiedWith: context.contact.name,
                      }),
                      onDone: {
                        target: '#bot.session.conversation.survey',
                        actions: say('technical.solvedAtFirstLevel', (c) => ({
                          caseNumber: c.caseNumber ?? '',
                        })),
                      },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                  // R002-3: severity and urgency as defined; priority from the matrix.
                  choosingSeverity: {
                    tags: AWAITING,
                    entry: ask('technical.askSeverity', SEVERITY_CHOICES),
                    on: {
                      'customer.*': [
                        {
                          guard: 'choseAnything',
                          target: 'choosingUrgency',
                          actions: 'takeSeverity',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  choosingUrgency: {
                    tags: AWAITING,
                    entry: ask('technical.askUrgency', URGENCY_CHOICES),
                    on: {
                      'customer.*': [
                        { guard: 'choseAnything', target: 'askingSubject', actions: 'takeUrgency' },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  // R001-2: a concrete subject; R001-10: no nonsense.
                  askingSubject: {
                    tags: AWAITING,
                    entry: ask('technical.askSubject'),
                    on: {
                      'customer.*': [
                        { guard: 'isNonsense', actions: reask('fairUse.nonsense') },
                        { guard: 'isVagueSubject', actions: reask('technical.subjectTooVague') },
                        {
                          target: 'askingDescription',
                          actions: ['takeSubject', 'keepAttachments'],
                        },
                      ],
                    },
                  },
                  // R001-4: the error and the steps to reproduce it.
                  askingDescription: {
                    tags: AWAITING,
                    entry: ask('technical.askDescription'),
                    on: {
                      'customer.*': [
                        {
                          guard: 'isNonsense',
                          actions: [reask('fairUse.nonsense'), 'keepAttachments'],
                        },
                        {
                          guard: 'isLongEnough',
                          target: 'askingSteps',
                          actions: ['takeDescription', 'keepAttachments'],
                        },
                        { actions: [reask('technical.descriptionTooShort'), 'keepAttachments'] },
                      ],
                    },
                  },
                  askingSteps: {
                    tags: AWAITING,
                    entry: ask('technical.askSteps', SKIP),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'skip' } },
                          target: 'askingAttachments',
                        },
                        {
                          guard: 'isNonsense',
                          actions: [reask('fairUse.nonsense'), 'keepAttachments'],
                        },
                        { target: 'askingAttachments', actions: ['takeSteps', 'keepAttachments'] },
                      ],
                    },
                  },
                  // R001-3: images and files are welcome; skipping is allowed.
                  askingAttachments: {
                    tags: AWAITING,
                    entry: ask('technical.askAttachments', ATTACHMENT_CHOICES),
                    on: {
                      'customer.*': [
                        {
                          guard: 'hasAttachments',
                          actions: [
                            'keepAttachments',
                            say('technical.attachmentsReceived', (c) => ({
                              count: c.attachments.length,
                            })),
                          ],
                        },
                        { guard: 'choseAnything', target: 'openingCase' },
                        { guard: 'isCivil', actions: reask('technical.attachmentsNotUnderstood') },
                      ],
                    },
                  },
                  openingCase: {
                    invoke: {
                      src: 'openCase',
                      input: ({ context }) => openCaseInput(context, policy),
                      onDone: { target: 'announcingCase', actions: 'rememberCase' },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                  // R002-4 / R001-5.
                  announcingCase: {
                    always: [
                      {
                        guard: 'isJoined',
                        target: 'checkingOfficeHours',
                        actions: say('case.joined', (c) => ({
                          caseNumber: c.caseNumber ?? '',
                          openedAt: c.caseOpenedAt ?? '',
                          ...zoneParams(c),
                        })),
                      },
                      {
                        target: 'checkingOfficeHours',
                        actions: say('case.opened', (c) => ({
                          caseNumber: c.caseNumber ?? '',
                          openedAt: c.caseOpenedAt ?? '',
                          priority: c.priority ?? '',
                          ...zoneParams(c),
                        })),
                      },
                    ],
                  },
                  // R003-2: outside office hours the case is opened all the same.
                  checkingOfficeHours: {
                    invoke: {
                      src: 'officeHours',
                      input: ({ context }) => ({
                        country: countryOf(context),
                        timeZone: timeZoneOf(context, policy),
                        at: context.lastAt,
                      }),
                      onDone: [
                        {
                          guard: 'isOfficeClosed',
                          target: 'afterCase',
                          actions: [
                            'rememberOfficeHours',
                            say('case.outsideOfficeHours', (c) => ({
                              nextOpenAt: c.nextOpenAt ?? '',
                              dueAt: c.firstContactDue ?? '',
                              ...zoneParams(c),
                            })),
                          ],
                        },
                        { target: 'afterCase' },
                      ],
                      onError: 'afterCase',
                    },
                  },
                  afterCase: {
                    always: [
                      // R001-5: the open case already carries this matter (and its visit).
                      { guard: 'isJoined', target: '#bot.session.conversation.anythingElse' },
                      { target: 'proposingSlots' },
                    ],
                  },
                  // R002-6: a visit agreed with the customer.
                  proposingSlots: {
                    invoke: {
                      src: 'proposeVisitSlots',
                      input: ({ context }) => ({
                        country: countryOf(context),
                        timeZone: timeZoneOf(context, policy),
                        at: context.lastAt,
                      }),
                      onDone: { target: 'havingSlots', actions: 'rememberSlots' },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                  havingSlots: {
                    always: [
                      { guard: 'hasSlots', target: 'choosingSlot' },
                      {
                        target: '#bot.session.conversation.anythingElse',
                        actions: say('visit.noSlots'),
                      },
                    ],
                  },
                  choosingSlot: {
                    tags: AWAITING,
                    entry: ask('visit.askSlot', (c) =>
                      c.slots.map((s) => ({
                        id: s.id,
                        key: 'visit.slotOption',
                        params: { start: s.start, end: s.end, ...zoneParams(c) },
                      })),
                    ),
                    on: {
                      'customer.*': [
                        { guard: 'choseAnything', target: 'askingAttendant', actions: 'takeSlot' },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  // R000-3: someone available for the whole visit.
                  askingAttendant: {
                    tags: AWAITING,
                    entry: ask('visit.askAttendant', ATTENDANT_CHOICES, (c) => ({
                      name: c.contact.name,
                    })),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'me' } },
                          target: 'openingFolio',
                          actions: 'takeAttendantMe',
                        },
                        { guard: 'isName', target: 'openingFolio', actions: 'takeAttendant' },
                        { guard: 'isCivil', actions: reask('visit.attendantNotUnderstood') },
                      ],
                    },
                  },
                  openingFolio: {
                    // R000-5, R000-11, R000-13, R000-10: duties told before the folio is opened.
                    entry: [
                      say('visit.dutiesDocuments', () => ({
                        noticeHours: policy.visits.freeRescheduleNoticeBusinessMinutes / 60,
                      })),
                      say('visit.preparationSteps'),
                      say('visit.manufacturerRequirements'),
                      say('visit.tolerance', () => ({ minutes: policy.visits.toleranceMinutes })),
                    ],
                    invoke: {
                      src: 'openFolio',
                      input: ({ context }) => ({
                        caseNumber: context.caseNumber ?? '',
                        slot: context.slot ?? { id: '', start: '', end: '' },
                        attendant: context.attendant ?? context.contact.name,
                      }),
                      onDone: {
                        target: '#bot.closedDone',
                        actions: [
                          'rememberFolio',
                          say('visit.folioConfirmed', (c) => ({
                            folioNumber: c.folioNumber ?? '',
                            caseNumber: c.caseNumber ?? '',
                            start: c.slot?.start ?? '',
                            end: c.slot?.end ?? '',
                            attendant: c.attendant ?? '',
                            ...zoneParams(c),
                          })),
                        ],
                      },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                },
              },

              // R004-4, R004-2: doubts, complaints and claims, invoices and balances.
              request: {
                initial: 'askingDescription',
                states: {
                  choosingComplaintKind: {
                    tags: AWAITING,
                    entry: ask('complaint.askKind', COMPLAINT_KINDS),
                    on: {
                      'customer.*': [
                        {
                          guard: 'choseAnything',
                          target: 'askingDescription',
                          actions: 'takeComplaintKind',
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  askingDescription: {
                    tags: AWAITING,
                    entry: ask('request.askDescription'),
                    on: {
                      'customer.*': [
                        {
                          guard: 'isNonsense',
                          actions: [reask('fairUse.nonsense'), 'keepAttachments'],
                        },
                        {
                          guard: 'isInvoice',
                          target: 'choosingDelivery',
                          actions: ['takeDescription', 'keepAttachments'],
                        },
                        { target: 'openingCase', actions: ['takeDescription', 'keepAttachments'] },
                      ],
                    },
                  },
                  // R004-4: balances and invoices go by the method the customer chooses.
                  choosingDelivery: {
                    tags: AWAITING,
                    entry: ask('invoice.askChannel', DELIVERY_CHANNELS),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'postal' } },
                          target: 'askingPostalAddress',
                          actions: 'takeDeliveryChannel',
                        },
                        {
                          guard: 'choseAnything',
                          target: 'openingCase',
                          actions: ['takeDeliveryChannel', 'noteDeliveryChannel'],
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  askingPostalAddress: {
                    tags: AWAITING,
                    entry: ask('invoice.askPostalAddress'),
                    on: {
                      'customer.*': [
                        {
                          guard: 'isPlace',
                          target: 'openingCase',
                          actions: ['takePostalAddress', 'noteDeliveryChannel'],
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  openingCase: {
                    invoke: {
                      src: 'openCase',
                      input: ({ context }) => openCaseInput(context, policy),
                      onDone: {
                        target: '#bot.session.conversation.anythingElse',
                        actions: [
                          'rememberCase',
                          say('request.registered', (c) => ({
                            caseNumber: c.caseNumber ?? '',
                            openedAt: c.caseOpenedAt ?? '',
                            area: c.area ?? '',
                            ...zoneParams(c),
                          })),
                        ],
                      },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                },
              },

              // R004-5: the contract ends on the date of notice; all areas are told.
              cancellation: {
                initial: 'checkingContracts',
                states: {
                  checkingContracts: {
                    always: [
                      { guard: 'hasSeveralContracts', target: 'choosingContract' },
                      { target: 'confirming' },
                    ],
                  },
                  choosingContract: {
                    tags: AWAITING,
                    entry: ask('cancellation.askContract', (c) =>
                      (c.customer?.contractNumbers ?? []).map((n) => ({
                        id: n,
                        key: 'cancellation.contractOption',
                        params: { contractNumber: n },
                      })),
                    ),
                    on: {
                      'customer.*': [
                        { guard: 'choseAnything', target: 'confirming', actions: 'takeContract' },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  confirming: {
                    tags: AWAITING,
                    entry: ask('cancellation.askConfirm', YES_NO, (c) => ({
                      contractNumber: c.contractNumber ?? c.customer?.contractNumbers[0] ?? '',
                    })),
                    on: {
                      'customer.*': [
                        { guard: { type: 'chose', params: { id: 'yes' } }, target: 'registering' },
                        {
                          guard: { type: 'chose', params: { id: 'no' } },
                          target: '#bot.session.conversation.anythingElse',
                          actions: say('cancellation.kept'),
                        },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  registering: {
                    invoke: {
                      src: 'registerCancellation',
                      input: ({ context }) => ({
                        accountNumber: context.customer?.accountNumber ?? '',
                        contractNumber:
                          context.contractNumber ?? context.customer?.contractNumbers[0] ?? '',
                        noticeAt: context.lastAt,
                        conversationId: context.conversationId,
                      }),
                      onDone: {
                        target: '#bot.closedDone',
                        actions: [
                          assign(({ event }) => ({ caseNumber: event.output.caseNumber })),
                          say('cancellation.registered', (c) => ({
                            caseNumber: c.caseNumber ?? '',
                            contractNumber:
                              c.contractNumber ?? c.customer?.contractNumbers[0] ?? '',
                            noticeAt: c.lastAt,
                            ...zoneParams(c),
                          })),
                        ],
                      },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                },
              },

              // R004-6: a prospect — address, coverage, answer, contact registered.
              prospect: {
                initial: 'checkingCountry',
                states: {
                  checkingCountry: {
                    always: [
                      { guard: 'hasCustomer', target: 'askingAddress' },
                      { target: 'choosingCountry' },
                    ],
                  },
                  choosingCountry: {
                    tags: AWAITING,
                    entry: ask('prospect.askCountry', COUNTRY_CHOICES),
                    on: {
                      'customer.*': [
                        { guard: 'choseAnything', target: 'askingAddress', actions: 'takeCountry' },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  askingAddress: {
                    tags: AWAITING,
                    entry: ask('prospect.askAddress'),
                    on: {
                      'customer.*': [
                        { guard: 'isNonsense', actions: reask('fairUse.nonsense') },
                        { guard: 'isPlace', target: 'checkingCoverage', actions: 'takeAddress' },
                        { guard: 'isCivil', actions: reask('prospect.addressNotUnderstood') },
                      ],
                    },
                  },
                  checkingCoverage: {
                    invoke: {
                      src: 'checkCoverage',
                      input: ({ context }) => ({
                        country: countryOf(context),
                        address: context.address ?? '',
                      }),
                      onDone: { target: 'answering', actions: 'rememberCoverage' },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                  answering: {
                    always: [
                      {
                        guard: 'isCovered',
                        target: 'collecting',
                        actions: say('prospect.covered', (c) => ({
                          city: c.coveredCity ?? c.address ?? '',
                        })),
                      },
                      { target: 'collecting', actions: say('prospect.notCovered') },
                    ],
                  },
                  collecting: {
                    always: [
                      { guard: 'isAnonymous', target: '#bot.session.conversation.contactDetails' },
                      { target: 'openingCase' },
                    ],
                  },
                  openingCase: {
                    invoke: {
                      src: 'openCase',
                      input: ({ context }) =>
                        openCaseInput(context, policy, {
                          priority: priorityFromFairUse('low', policy),
                        }),
                      onDone: {
                        target: '#bot.closedDone',
                        actions: [
                          'rememberCase',
                          say('prospect.registered', (c) => ({ caseNumber: c.caseNumber ?? '' })),
                        ],
                      },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                },
              },

              // R001-6, R001-9, R001-5: follow-up of open cases.
              followUp: {
                initial: 'listing',
                states: {
                  listing: {
                    invoke: {
                      src: 'listOpenCases',
                      input: ({ context }) => ({
                        accountNumber: context.customer?.accountNumber ?? '',
                      }),
                      onDone: { target: 'choosing', actions: 'rememberOpenCases' },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                  choosing: {
                    always: [
                      {
                        guard: 'hasNoOpenCases',
                        target: '#bot.session.conversation.anythingElse',
                        actions: say('followUp.none'),
                      },
                      { guard: 'hasOneOpenCase', target: 'deciding' },
                      { target: 'choosingCase' },
                    ],
                  },
                  choosingCase: {
                    tags: AWAITING,
                    entry: ask('followUp.askCase', (c) =>
                      c.openCases.map((k) => ({
                        id: k.number,
                        key: 'followUp.caseOption',
                        params: { caseNumber: k.number, subject: k.subject },
                      })),
                    ),
                    on: {
                      'customer.*': [
                        { guard: 'choseAnything', target: 'deciding', actions: 'takeFollowUpCase' },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  deciding: {
                    entry: say('followUp.status', (c) => ({
                      caseNumber: c.followUpCase?.number ?? '',
                      status: c.followUpCase?.status ?? '',
                      openedAt: c.followUpCase?.openedAt ?? '',
                      solutionDue: c.followUpCase?.solutionDue ?? '',
                      ...zoneParams(c),
                    })),
                    always: [
                      { guard: 'isPressing', target: 'pressing' },
                      {
                        guard: 'isTooSoonForFollowUp',
                        target: '#bot.session.conversation.anythingElse',
                        actions: say('followUp.tooSoon', (c) => ({
                          minutesLeft: followUpWait(c, policy).waitMinutes,
                          waitMinutes: policy.fairUse.followUpWaitMinutes,
                        })),
                      },
                      { target: 'recording' },
                    ],
                  },
                  recording: {
                    invoke: {
                      src: 'recordFollowUp',
                      input: ({ context }) => ({
                        caseNumber: context.followUpCase?.number ?? '',
                        at: context.lastAt,
                        pressing: false,
                      }),
                      onDone: {
                        target: '#bot.session.conversation.anythingElse',
                        actions: say('followUp.recorded', (c) => ({
                          caseNumber: c.followUpCase?.number ?? '',
                        })),
                      },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                  pressing: {
                    invoke: {
                      src: 'recordFollowUp',
                      input: ({ context }) => ({
                        caseNumber: context.followUpCase?.number ?? '',
                        at: context.lastAt,
                        pressing: true,
                      }),
                      onDone: {
                        target: '#bot.session.conversation.anythingElse',
                        actions: say('followUp.pressingWarning', (c) => ({
                          minutesLeft: followUpWait(c, policy).waitMinutes,
                          waitMinutes: policy.fairUse.followUpWaitMinutes,
                        })),
                      },
                      onError: '#bot.session.conversation.failure',
                    },
                  },
                },
              },

              // R002-8: satisfaction survey after a solved case.
              survey: {
                initial: 'askingScore',
                states: {
                  askingScore: {
                    tags: AWAITING,
                    entry: ask('survey.askScore', SCORE_CHOICES),
                    on: {
                      'customer.*': [
                        { guard: 'choseAnything', target: 'askingComment', actions: 'takeScore' },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  askingComment: {
                    tags: AWAITING,
                    entry: ask('survey.askComment', SKIP),
                    on: {
                      'customer.*': [
                        {
                          guard: { type: 'chose', params: { id: 'skip' } },
                          target: 'recording',
                          actions: 'skipComment',
                        },
                        { guard: 'isText', target: 'recording', actions: 'takeComment' },
                        { guard: 'isCivil', actions: reask() },
                      ],
                    },
                  },
                  recording: {
                    invoke: {
                      src: 'recordSurvey',
                      input: ({ context }) => ({
                        caseNumber: context.caseNumber ?? '',
                        score: context.surveyScore ?? 0,
                        comment: context.description,
                      }),
                      onDone: { target: '#bot.closedDone', actions: say('survey.thanks') },
                      onError: { target: '#bot.closedDone', actions: say('survey.thanks') },
                    },
                  },
                },
              },

              anythingElse: {
                tags: AWAITING,
                entry: ask('common.askAnythingElse', YES_NO),
                on: {
                  'customer.*': [
                    { guard: { type: 'chose', params: { id: 'yes' } }, target: 'triage' },
                    {
                      guard: { type: 'chose', params: { id: 'no' } },
                      target: '#bot.closedDone',
                      actions: say('common.goodbye'),
                    },
                    { guard: 'isCivil', actions: reask() },
                  ],
                },
              },

              // A service failed: say so and hand off rather than leave the customer stuck.
              failure: {
                entry: [
                  say('common.serviceUnavailable'),
                  { type: 'handOffBecause', params: { reason: 'service-error' } },
                ],
                always: 'handoff',
              },

              // Decision 5: hand-off is a mode; the bot waits until an agent gives it back.
              handoff: {
                initial: 'queueing',
                states: {
                  queueing: {
                    entry: ['announceHandoff', say('handoff.queued'), 'tellContactCentre'],
                    always: 'waiting',
                  },
                  waiting: {
                    tags: AWAITING,
                    on: {
                      'customer.*': { guard: 'isCivil', actions: say('handoff.stillQueued') },
                      'agent.release': [
                        {
                          guard: 'hasCustomer',
                          target: '#bot.session.conversation.triage',
                          actions: ['takeReleasedCase', say('handoff.released')],
                        },
                        {
                          target: '#bot.session.conversation.identification',
                          actions: ['takeReleasedCase', say('handoff.released')],
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
        },
      },

      // R001-8 / R001-11: a warning, or the suspension when the rules were broken too often.
      recordingAbuse: {
        invoke: {
          src: 'recordAbuse',
          input: ({ context }) => ({
            accountNumber: context.customer?.accountNumber ?? null,
            at: context.lastAt,
          }),
          onDone: [
            {
              guard: 'isNowSuspended',
              target: 'closedSuspended',
              actions: say('fairUse.suspended'),
            },
            {
              target: '#bot.session.conversation.hist',
              actions: [
                'rememberAbuse',
                say('fairUse.warning', (c) => ({ count: c.abuseWarnings })),
              ],
            },
          ],
          onError: '#bot.session.conversation.hist',
        },
      },

      // R001-7: past 20 minutes the chat continues as a ticket.
      chatLimit: {
        entry: say('chatLimit.reached'),
        always: [
          {
            guard: 'hasCase',
            target: 'closedChatLimit',
            actions: say('chatLimit.continuesInCase', (c) => ({ caseNumber: c.caseNumber ?? '' })),
          },
          { target: 'openingTicket' },
        ],
      },
      openingTicket: {
        invoke: {
          src: 'openCase',
          input: ({ context }) => openCaseInput(context, policy, { includeTranscript: true }),
          onDone: {
            target: 'closedChatLimit',
            actions: [
              'rememberCase',
              say('chatLimit.ticketOpened', (c) => ({
                caseNumber: c.caseNumber ?? '',
                openedAt: c.caseOpenedAt ?? '',
                ...zoneParams(c),
              })),
            ],
          },
          onError: { target: 'closedChatLimit', actions: say('common.serviceUnavailable') },
        },
      },

      closedDone: { type: 'final', entry: { type: 'closeSession', params: { reason: 'done' } } },
      closedSuspended: {
        type: 'final',
        entry: { type: 'closeSession', params: { reason: 'suspended' } },
      },
      closedChatLimit: {
        type: 'final',
        entry: { type: 'closeSession', params: { reason: 'chat-limit' } },
      },
    },
  });
}

/** The conversation machine type. */
export type ConversationMachine = ReturnType<typeof createConversationMachine>;
