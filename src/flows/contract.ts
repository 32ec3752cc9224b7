/**
 * The contract between the flows (pure XState machines) and the bot engine that runs them.
 * Flows speak in i18n keys and data, never in sentences; side effects happen only through the
 * actors listed in `FlowServices`, which the engine provides with `machine.provide({ actors })`.
 */
import type {
  Attachment,
  CaseCategory,
  CaseNumber,
  CaseRequest,
  CaseType,
} from '../domain/cases/case.ts';
import type { Customer } from '../domain/customers/customer.ts';
import type { Handoff } from '../domain/handoff.ts';
import type { ClosedReason, Priority } from '../domain/policy/index.ts';
import type { ChannelKind, Contact, Country, Language } from '../domain/types.ts';
import type { MoveVisitOutput, VisitMoveTerms, VisitView } from './contract-visits.ts';
export type { MoveVisitOutput, VisitMoveTerms, VisitView } from './contract-visits.ts';
import type { AccountProofServices } from './contract-proof.ts';
export type { AccountProofServices, CheckCodeOutput, SendCodeOutput } from './contract-proof.ts';

/** A choice offered with a question: `id` is what comes back, `key` the i18n label. */
export interface Choice {
  id: string;
  key: string;
  params?: Record<string, string | number>;
  /**
   * The key of what the option means, shown with its label ("Crítica: el servicio está
   * detenido…") so a question need not list its options again in its text. Answers are
   * matched against the label, never this.
   */
  detail?: string;
}

/** One message for the customer: an i18n key with its parameters and optional choices. */
export interface Reply {
  key: string;
  params?: Record<string, string | number>;
  choices?: Choice[];
}

/** Every event carries the instant it happened (ISO), so flows never read a clock. */
interface Timed {
  at: string;
}

/** Events a conversation machine accepts, namespaced by origin. */
export type FlowEvent =
  | (Timed & { type: 'customer.text'; text: string; attachments?: Attachment[] })
  | (Timed & { type: 'customer.choice'; choice: string })
  /**
   * The customer's words while an agent holds the conversation (issue 15): the flow says
   * nothing to them, but fair use still applies (R001-8, R001-11).
   */
  | (Timed & { type: 'held.text'; text: string })
  /** R001-7: the 20-minute chat limit of this session has passed (fired by the scheduler). */
  | (Timed & { type: 'timer.chatLimit' })
  /**
   * An agent gave the conversation back to the bot (hand-off mode ends); `closed`: after closing
   * its case, so the bot asks the survey (R002-8).
   */
  | (Timed & { type: 'agent.release'; caseNumber?: CaseNumber; closed?: boolean })
  /** Raised by the machine itself, never sent: the customer was not understood too often. */
  | { type: 'flow.stuck' };

/** What the machine tells the engine besides replies, through XState `emit`. */
export type FlowEmitted =
  | { type: 'reply'; reply: Reply }
  /** The conversation's language is now known or was chosen. */
  | { type: 'language'; language: Language }
  /** The customer is identified: the engine keys follow-up, abuse and transcripts on it. */
  | { type: 'identified'; accountNumber: string | null; contact: Contact }
  /** Queue the conversation for a human agent (decision 5). */
  | ({ type: 'handoff' } & Handoff)
  /** Issue 13: the customer left the queue before an agent took it: the bot goes on. */
  | { type: 'handoff.left' }
  /** The session is over: the engine marks the conversation closed and cancels its timers. */
  | { type: 'session.closed'; reason: SessionEndReason };

/** Why a session ended: its request done, the 20-minute limit (R001-7), or a suspension. */
export type SessionEndReason = 'done' | 'chat-limit' | 'suspended' | 'abandoned';

/** What `recordAbuse` decided (R001-8, R001-11). */
export interface AbuseOutput {
  suspended: boolean;
  warnings: number;
  /** The end of the suspension (ISO), null when permanent or not suspended. */
  suspendedUntil: string | null;
}

/** R001-11: a suspension of the person talking, in force (`until` null: permanent). */
export interface PersonSuspension {
  until: string | null;
}

/** Input given when a conversation starts. */
export interface FlowInput {
  conversationId: string;
  channel: ChannelKind;
  channelUserId: string;
  /** The network's hint (Telegram's language_code, the browser's Accept-Language), if any. */
  localeHint: Language | null;
  /**
   * A phone number the network verified (WhatsApp: the sender's number), if any. Only a network
   * that verifies it may set it: a number matching a person of the account proves the account
   * (issue 12), as a code sent to its e-mail does.
   */
  phone: string | null;
  displayName: string | null;
  /** Instant the session started (ISO). */
  startedAt: string;
  /**
   * Issue 13: who the session before was talking to, when it ended done shortly before this
   * one started (the engine decides the window): the customer is not identified again.
   */
  previous?: PreviousSession | null;
  /**
   * R001-11: whether the person starting this session (its sender, the verified phone) is
   * suspended, read by the engine before the first message is answered — whatever way in the
   * message takes (prospect, a person, a language). Absent: not read; identification reads it.
   */
  personSuspension?: PersonSuspension | null;
}

/** Issue 13: what a finished session proved and knew, carried into the next one. */
export interface PreviousSession {
  accountNumber: string;
  contractNumber: string | null;
  contact: Contact;
  language: Language;
  languageChosen: boolean;
  /** Issue 12's proof, only while it is young enough (the engine's window), else null. */
  proof: { accountNumber: string; by: 'code' | 'network-phone'; at: string } | null;
}

/** What the flow may know of a customer record: the record, with its standing made a yes/no. */
export type CustomerView = Omit<Customer, 'suspendedUntil' | 'suspendedPermanently'> & {
  suspended: boolean;
  /** R001-11: the person asking is suspended (their own words), whatever the account's standing. */
  personSuspension?: PersonSuspension | null;
};

/** A case as the flow tells it to the customer. */
export interface CaseView {
  number: CaseNumber;
  /** ISO instant of opening (R002-4). */
  openedAt: string;
  status: string;
  subject: string;
  priority: Priority;
  /** ISO instant of the last contact about this case, for the 40-minute rule (R001-6). */
  lastContactAt: string;
  /** Whether the customer was already told it is being followed up (R001-9). */
  followUpToldAt: string | null;
  firstContactDue: string;
  solutionDue: string;
  /** R001-5: what makes its matter (absent from a service that does not say). */
  type?: CaseType;
  category?: CaseCategory | null;
  equipmentSerial?: string | null;
  /** A visit was agreed for this case (its folio may be seen and moved from the chat). */
  hasVisit?: boolean;
}

/** What makes a request's matter (R001-5): who, the type and category, the equipment. */
export type MatterOf = Pick<
  CaseRequest,
  'accountNumber' | 'contact' | 'type' | 'category' | 'equipmentSerial'
>;

/** What the flow sends to open a case; the engine adds the transcript and channel data. */
export type OpenCaseInput = Omit<CaseRequest, 'transcript' | 'channel' | 'conversationId'> & {
  conversationId: string;
  /** Copy the conversation transcript into the case (R001-7). */
  includeTranscript: boolean;
  /**
   * Issue 16: the flow asks next whether the case is finished (R000-12); without an answer the
   * case closes by itself after a configured business time.
   */
  awaitsConfirmation?: boolean;
};

export interface OpenCaseOutput {
  outcome: 'opened' | 'joined';
  caseNumber: CaseNumber;
  openedAt: string;
  firstContactDue: string;
  solutionDue: string;
}

/**
 * R003-2: office hours now, as the customer is told them. The fields after `nextOpenAt` name
 * the day or the holiday; a service that does not give them gets the plain "outside office
 * hours, back at `nextOpenAt`".
 */
export interface OfficeHoursView {
  open: boolean;
  /** ISO instant humans are back (the next business window start), when closed. */
  nextOpenAt: string;
  /** Why nobody answers now: a holiday, a day without office hours, outside today's hours. */
  closedBecause?: ClosedReason | null;
  /** R003-3 / R003-4: an announced suspension or extension in force now. */
  announcement?: { kind: 'extension' | 'suspension'; note: string; until: string } | null;
  /** Today's holiday by name (the customer's language where known). */
  holiday?: string | null;
  /** Today's local weekday, 1 = Monday … 7 = Sunday. */
  weekday?: number;
  /** When people are back, locally: days from today (0 today, 1 tomorrow), weekday, "7:00". */
  nextOpen?: { inDays: number; weekday: number; time: string };
}

export interface VisitSlotView {
  id: string;
  start: string;
  end: string;
}

/**
 * Who asks for a side effect: the conversation whose turn invoked it, and the effect's
 * idempotency key when the engine gives one (the same for a retried turn: see the engine's
 * `runningTurn` and the domain's `EffectLedger`).
 */
export interface ServiceCall {
  conversationId: string;
  effectKey?: string;
}

/**
 * The side effects a conversation may ask for. Each is an XState `fromPromise` actor whose
 * input and output are these types; the engine provides them on the real domain, tests with
 * in-memory fakes.
 */
export interface FlowServices extends AccountProofServices {
  /**
   * `person`: who is asking (the conversation and the network-verified phone), so a suspension
   * of that person shows in the view (R001-11).
   */
  findCustomer: (input: {
    by: 'account' | 'email' | 'phone';
    value: string;
    person?: { conversationId: string; phone: string | null };
  }) => Promise<CustomerView | null>;
  openCase: (input: OpenCaseInput, call?: ServiceCall) => Promise<OpenCaseOutput>;
  closeCase: (
    input: {
      caseNumber: CaseNumber;
      solvedAtFirstLevel: boolean;
      verifiedWith: string;
    },
    call?: ServiceCall,
  ) => Promise<void>;
  listOpenCases: (input: { accountNumber: string }) => Promise<CaseView[]>;
  /**
   * R001-5: the open case of a matter (the account or contact, the request's type and
   * category, the equipment), or null — read by the matter's key, never by listing cases.
   */
  openCaseOfMatter: (input: MatterOf) => Promise<CaseView | null>;
  /** Records that the customer was told the case is being followed up (R001-9). */
  recordFollowUp: (
    input: {
      caseNumber: CaseNumber;
      at: string;
      pressing: boolean;
    },
    call?: ServiceCall,
  ) => Promise<void>;
  /** R003-2: office hours at `at`; holiday names in `language` where known. */
  officeHours: (input: {
    country: Country;
    timeZone: string;
    at: string;
    language?: Language;
  }) => Promise<OfficeHoursView>;
  proposeVisitSlots: (input: {
    country: Country;
    timeZone: string;
    at: string;
  }) => Promise<VisitSlotView[]>;
  openFolio: (
    input: {
      caseNumber: CaseNumber;
      slot: VisitSlotView;
      attendant: string;
    },
    call?: ServiceCall,
  ) => Promise<{ folioNumber: string }>;
  /**
   * The account's visits that may be seen and moved (the latest folio of each open case),
   * soonest first; only that case's when `caseNumber` is given.
   */
  listVisits: (input: {
    accountNumber: string;
    caseNumber: CaseNumber | null;
  }) => Promise<VisitView[]>;
  /** R000-5: what moving the visit at `at` would cost, and why. */
  quoteVisitMove: (input: {
    folioNumber: string;
    country: Country;
    timeZone: string;
    at: string;
  }) => Promise<VisitMoveTerms>;
  /**
   * R000-5, R002-6: moves the visit to a slot offered, at the cost the customer accepted
   * (`acceptedCost`); recorded through the folio's reschedule, once per input.
   */
  moveVisit: (
    input: {
      accountNumber: string;
      folioNumber: string;
      slot: VisitSlotView;
      acceptedCost: 'free' | 'charged';
      country: Country;
      timeZone: string;
    },
    call?: ServiceCall,
  ) => Promise<MoveVisitOutput>;
  /** The customer confirmed they will receive the technician (noted on the case). */
  confirmVisit: (
    input: {
      folioNumber: string;
      caseNumber: CaseNumber;
      at: string;
    },
    call?: ServiceCall,
  ) => Promise<void>;
  checkCoverage: (input: {
    country: Country;
    address: string;
  }) => Promise<{ covered: boolean; city: string | null }>;
  /**
   * R001-8/R001-11: records a breach against the person who wrote it (the conversation's sender
   * and the network-verified phone — not the company account), with the rule and the words for
   * agents; returns the person's warnings and whether they are now suspended, until when (null:
   * permanently).
   */
  recordAbuse: (
    input: {
      conversationId: string;
      /** The network-verified phone of the sender, if any (`FlowInput.phone`). */
      phone: string | null;
      /** The account the session proved, if any: recorded for agents, never suspended. */
      accountNumber: string | null;
      rule: 'R001-8' | 'R001-9' | 'R001-10';
      words: string[];
      text: string;
      at: string;
    },
    call?: ServiceCall,
  ) => Promise<AbuseOutput>;
  recordSurvey: (
    input: {
      caseNumber: CaseNumber;
      score: number;
      comment: string;
    },
    call?: ServiceCall,
  ) => Promise<void>;
  /** R004-5: the contract ends on the date of notice; all areas are told. */
  registerCancellation: (
    input: {
      accountNumber: string;
      contractNumber: string;
      noticeAt: string;
      conversationId: string;
    },
    call?: ServiceCall,
  ) => Promise<{ caseNumber: CaseNumber }>;
}
