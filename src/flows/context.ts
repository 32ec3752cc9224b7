/**
 * The conversation's context: everything the flow remembers between turns. Plain JSON only
 * (strings, numbers, booleans, arrays, objects; instants as ISO strings) so the engine can
 * persist the snapshot after every turn.
 */
import type { Attachment, Area, CaseCategory, CaseNumber, CaseType } from '../domain/cases/case.ts';
import type { HandoffReason } from '../domain/handoff.ts';
import type { PolicyConfig, Priority, Severity, Urgency } from '../domain/policy/index.ts';
import type { ChannelKind, Contact, Country, Language } from '../domain/types.ts';
import type {
  CaseView,
  CustomerView,
  FlowInput,
  PersonSuspension,
  Reply,
  VisitMoveTerms,
  VisitSlotView,
  VisitView,
} from './contract.ts';

/** What the customer asked for at triage. */
export type Intent =
  | 'technical'
  | 'doubt'
  | 'complaint'
  | 'invoice'
  | 'cancellation'
  | 'newService'
  | 'followUp'
  /** Issue 13: see, confirm or move a visit already agreed (R000-5, R000-10). */
  | 'visit'
  | 'person'
  /** R004-7: anything else. */
  | 'other';

/**
 * Issue 12: where the flow goes on once the account is proven — the step each gate stood
 * before (the start of a follow-up or of an invoice request, a case chosen, an invoice request
 * ready to register, a cancellation to start or confirmed).
 */
export type ProofResume =
  | 'followUp'
  | 'followUpCase'
  | 'invoice'
  | 'invoiceCase'
  | 'cancellation'
  | 'cancellationConfirmed'
  /** Issue 13: a visit's date and address are the account's. */
  | 'visits';

/** Issue 12: the account a conversation proved it speaks for, and how. */
export interface AccountProof {
  accountNumber: string;
  /** A one-time code sent to the record's e-mail, or the network's verified phone. */
  by: 'code' | 'network-phone';
  at: string;
}

export interface ConversationContext {
  conversationId: string;
  channel: ChannelKind;
  startedAt: string;
  /** The `at` of the latest event: flows never read a clock. */
  lastAt: string;
  inputPhone: string | null;
  language: Language;
  /**
   * The customer chose the language, or the network told it (issue 13): the record's language
   * does not override it.
   */
  languageChosen: boolean;
  /** The question waiting for an answer: re-asked when not understood, used to read answers. */
  question: Reply | null;
  /** Answers in a row that were not understood (reset by each new question). */
  misunderstood: number;
  /**
   * Issue 13: what the customer said before triage (the first message, an answer that was not
   * an identifier), read as the triage answer once identified: said once, not asked again.
   */
  keptText?: string | null;
  /** Issue 13: the session before identified this customer (see `FlowInput.previous`). */
  returning?: boolean;
  /**
   * R001-11: the person's suspension read at session start (`FlowInput.personSuspension`);
   * absent when it was not, and identification reads it with the customer.
   */
  personSuspension?: PersonSuspension | null;

  lookup: { by: 'account' | 'email' | 'phone'; value: string } | null;
  lookupAttempts: number;
  customer: CustomerView | null;
  contractNumber: string | null;
  /** The person talking (R002-2 E, R004-1); empty strings while unknown. */
  contact: Contact;
  identified: boolean;
  /** R000-7: false when named persons exist and the contact is not one of them. */
  mayRequestService: boolean;
  /** R003-7: payments not up to date — doubts, invoices, follow-up and hand-off only. */
  limited: boolean;
  /**
   * Issue 12: the account proven for this session; null until then (absent in snapshots stored
   * before issue 12: not proven). Identification alone proves nothing.
   */
  proof?: AccountProof | null;
  /** The code sent and awaited (issue 12). */
  codeSent?: { id: string; maskedTo: string; expiresAt: string } | null;
  /** Where to go on once the account is proven (issue 12). */
  resumeAfterProof?: ProofResume | null;

  intent: Intent | null;
  /**
   * Issue 13: the words that chose the intent (the triage answer, or the kept first message):
   * what they already answer is not asked (`machine/presumed.ts`). Absent in older snapshots.
   */
  intentText?: string | null;
  caseType: CaseType | null;
  area: Area | null;
  category: CaseCategory | null;
  equipmentSerial: string | null;
  equipmentLocation: string | null;
  severity: Severity | null;
  urgency: Urgency | null;
  priority: Priority | null;
  subject: string;
  description: string;
  steps: string | null;
  /**
   * R001-4: the first-level steps taken and their answers, in order ("power: no",
   * "plugged in", …), for the case's description. Absent in snapshots stored before issue 13.
   */
  tried?: string[];
  attachments: Attachment[];
  deliveryChannel: string | null;
  /** R003-9: consent to a remote session as a last resort; null when not asked. */
  remoteConsent: boolean | null;

  caseNumber: CaseNumber | null;
  caseOutcome: 'opened' | 'joined' | null;
  caseOpenedAt: string | null;
  firstContactDue: string | null;
  /** R003-2: when humans are back, if the case was opened outside office hours. */
  nextOpenAt: string | null;
  slots: VisitSlotView[];
  slot: VisitSlotView | null;
  attendant: string | null;
  folioNumber: string | null;
  /** Issue 13: the account's visits listed, the one chosen, the terms of moving it (R000-5). */
  visits?: VisitView[];
  visit?: VisitView | null;
  visitTerms?: VisitMoveTerms | null;

  openCases: CaseView[];
  followUpCase: CaseView | null;

  prospectCountry: Country | null;
  address: string | null;
  covered: boolean | null;
  coveredCity: string | null;

  /**
   * What the customer said of their matter in their own words (the first message or the answer
   * to triage): a subject when none was asked, as at the 20-minute limit (R001-7, R001-2).
   */
  said?: string | null;

  surveyScore: number | null;
  /** R001-8: warnings given so far (from `recordAbuse`). */
  abuseWarnings: number;
  handoffReason: HandoffReason;
}

/** The first context of a conversation, from the engine's input and the deployment's policy. */
export function initialContext(input: FlowInput, policy: PolicyConfig): ConversationContext {
  const standing =
    input.personSuspension === undefined ? {} : { personSuspension: input.personSuspension };
  return { ...freshContext(input, policy), ...carried(input), ...standing };
}

/** Issue 13: what the session before proved and knew, when the engine carries it over. */
function carried(input: FlowInput): Partial<ConversationContext> {
  const p = input.previous;
  if (!p) return {};
  return {
    returning: true,
    lookup: { by: 'account', value: p.accountNumber },
    contractNumber: p.contractNumber,
    contact: { ...p.contact },
    // The customer's choice stands; else this session's network hint, else the one before.
    language: p.languageChosen ? p.language : (input.localeHint ?? p.language),
    languageChosen: p.languageChosen,
    proof: p.proof && p.proof.accountNumber === p.accountNumber ? { ...p.proof } : null,
  };
}

function freshContext(input: FlowInput, policy: PolicyConfig): ConversationContext {
  return {
    conversationId: input.conversationId,
    channel: input.channel,
    startedAt: input.startedAt,
    lastAt: input.startedAt,
    inputPhone: input.phone,
    language: input.localeHint ?? policy.language.default,
    languageChosen: input.localeHint != null,
    question: null,
    misunderstood: 0,
    keptText: null,
    lookup: null,
    lookupAttempts: 0,
    customer: null,
    contractNumber: null,
    contact: { name: input.displayName ?? '', phone: input.phone ?? '', email: '' },
    identified: false,
    mayRequestService: true,
    limited: false,
    proof: null,
    codeSent: null,
    resumeAfterProof: null,
    ...emptyRequest(),
    caseNumber: null,
    caseOpenedAt: null,
    firstContactDue: null,
    nextOpenAt: null,
    openCases: [],
    followUpCase: null,
    prospectCountry: null,
    address: null,
    covered: null,
    coveredCity: null,
    surveyScore: null,
    abuseWarnings: 0,
    handoffReason: 'customer-request',
  };
}

/** The fields of one request, blank: at the start and when the customer asks for something else. */
export function emptyRequest() {
  return {
    intent: null,
    intentText: null,
    caseType: null,
    area: null,
    category: null,
    equipmentSerial: null,
    equipmentLocation: null,
    severity: null,
    urgency: null,
    priority: null,
    subject: '',
    description: '',
    steps: null,
    tried: [] as string[],
    attachments: [],
    deliveryChannel: null,
    remoteConsent: null,
    caseOutcome: null,
    slots: [],
    slot: null,
    attendant: null,
    folioNumber: null,
    visits: [],
    visit: null,
    visitTerms: null,
  } satisfies Partial<ConversationContext>;
}
