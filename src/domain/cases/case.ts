import type { Contact, Country, RequestOrigin } from '../types.ts';
import type { Priority, Severity, SlaPause, SlaGoal, Urgency } from '../policy/index.ts';

/** A human-readable case number, e.g. `AT-2026-000123` (R002-4). */
export type CaseNumber = string & { readonly __brand: 'CaseNumber' };

/** What a request is about (R004-3 … R004-7). */
export const CASE_TYPES = [
  'technical-fault',
  'doubt',
  'clarification',
  'complaint',
  'claim',
  'invoice',
  'cancellation',
  'prospect',
  'other',
] as const;
export type CaseType = (typeof CASE_TYPES)[number];

/** Technology-platform categories of a technical case (R002-9). */
export const CASE_CATEGORIES = [
  'network',
  'servers',
  'software',
  'data-centre',
  'computing',
  'printing',
] as const;
export type CaseCategory = (typeof CASE_CATEGORIES)[number];

/** The area a request is routed to (R004-2, R004-4). */
export const AREAS = ['technical', 'customer-service', 'administration', 'sales'] as const;
export type Area = (typeof AREAS)[number];

/** Support levels: L1 first contact and checks, L2 specialists (R003-8). */
export type SupportLevel = 'L1' | 'L2';

export const CASE_STATUSES = [
  'open',
  'in-progress',
  'waiting-customer',
  'visit-scheduled',
  'resolved',
  'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface Attachment {
  name: string;
  contentType: string;
  url: string;
}

/** SLA due instants, fixed when the case opens (R002-5, R003-6). */
export interface CaseSla {
  firstContactDue: Date;
  responseDue: Date;
  solutionDue: Date;
}

/** What a channel or flow gives to open a case: all intake data (R002-2 A–F). */
export interface CaseRequest {
  accountNumber: string | null;
  /** Country and time zone whose business calendar the SLA follows (R003-2). */
  country: Country;
  timeZone: string;
  /** (A) full name of the requester. */
  requesterName: string;
  /** (B) contract number. */
  contractNumber: string | null;
  /** (C) serial number of the affected equipment. */
  equipmentSerial: string | null;
  /** (D) physical location of the equipment. */
  equipmentLocation: string | null;
  /** (E) contact in charge of the case. */
  contact: Contact;
  /** (F) description of the fault: a concrete subject (R001-2) and steps (R001-4). */
  subject: string;
  description: string;
  stepsToReproduce: string | null;
  type: CaseType;
  category: CaseCategory | null;
  area: Area;
  severity: Severity | null;
  urgency: Urgency | null;
  priority: Priority;
  /** Where the request came from (R004-0). */
  channel: RequestOrigin;
  conversationId: string | null;
  attachments: Attachment[];
  /** Conversation transcript, when a chat turns into a ticket (R001-7). */
  transcript: TranscriptLine[];
  /** Solved during the conversation at first level (R004-3, R002-8). */
  solvedAtFirstLevel: boolean;
  /**
   * The idempotency key of the request (see `EffectLedger`): the same request retried — after
   * a crash, by another process — finds the case it opened and gets it back as opened, never
   * as a case it joined.
   */
  requestKey?: string | null;
  /**
   * Issue 12: false when the requester named an account without proving it (no code, no
   * verified phone): an agent confirms who asked before acting. Absent when not a customer's.
   */
  identityVerified?: boolean;
}

export interface TranscriptLine {
  at: Date;
  from: 'customer' | 'bot' | 'agent';
  text: string;
}

/** A support case. */
export interface Case extends Omit<CaseRequest, 'transcript'> {
  number: CaseNumber;
  /** Opening date and time, told to the customer (R002-4). */
  openedAt: Date;
  status: CaseStatus;
  level: SupportLevel;
  sla: CaseSla;
  matterKey: string;
  closedAt: Date | null;
  /** The SLA clock's pauses while the case waits on the customer (absent: never paused). */
  slaPause?: SlaPause;
  /** SLA warnings and breaches marked on the case, oldest first (absent: none). */
  slaAlerts?: SlaAlert[];
}

/**
 * An SLA warning (a target due soon) or breach (a target missed), marked once per due instant
 * by a unique insert; the case keeps a copy for the console's queue.
 */
export interface SlaAlert {
  kind: 'warning' | 'breach';
  goal: SlaGoal;
  /** The due instant warned of or missed. */
  due: Date;
  at: Date;
}

/** One event of a case's timeline; stored as its own document (inserted, never updated). */
export interface CaseEvent {
  caseNumber: CaseNumber;
  at: Date;
  kind:
    | 'opened'
    | 'joined'
    | 'note'
    | 'transcript'
    | 'status'
    | 'escalated'
    | 'first-contact'
    | 'visit'
    | 'closed'
    | 'survey';
  by: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  data?: Record<string, unknown>;
  /**
   * Names an event written at most once (its `_id` is `<case>|<once>`): a step retried after a
   * crash writes its line again without doubling it.
   */
  once?: string;
}

/** Closure of a case with its attention and resolution times (R002-7). */
export interface CaseClosure {
  caseNumber: CaseNumber;
  closedAt: Date;
  /** Calendar minutes from opening to first contact with a person or the bot's first level. */
  attentionMinutes: number;
  /** Calendar minutes from opening to closure. */
  resolutionMinutes: number;
  solvedAtFirstLevel: boolean;
  verifiedWith: string;
}

/** The satisfaction survey answer (R002-8). */
export interface SurveyAnswer {
  caseNumber: CaseNumber;
  score: number;
  comment: string;
  answeredAt: Date;
}

/**
 * The key of a matter: same customer, type, category and equipment (R001-5, decision 3).
 * A second request with the same key joins the open case.
 */
export function matterKey(
  request: Pick<CaseRequest, 'accountNumber' | 'contact' | 'type' | 'category' | 'equipmentSerial'>,
): string {
  const who =
    request.accountNumber ??
    `contact:${request.contact.email.toLowerCase() || request.contact.phone}`;
  return [who, request.type, request.category ?? '-', request.equipmentSerial ?? '-'].join('|');
}
