/**
 * From the conversation to a case: the type and area a request goes to, its priority so far,
 * and the `openCase` input built from what the customer told.
 */
import type { Area, CaseCategory, CaseType } from '../../domain/cases/case.ts';
import { priorityFromClass, priorityFromFairUse } from '../../domain/policy/index.ts';
import type { PolicyConfig, Priority } from '../../domain/policy/index.ts';
import type { ConversationContext, Intent } from '../context.ts';
import type { OpenCaseInput, OpenCaseOutput } from '../contract.ts';
import { clipAtWord } from '../clip.ts';
import { MAX_SHORT_CHARS } from '../understanding.ts';
import { countryOf, isProven, timeZoneOf } from './facts.ts';

type Ctx = ConversationContext;

/** The case type of each triage intent. */
export const INTENT_CASE_TYPE: Record<Intent, CaseType> = {
  technical: 'technical-fault',
  doubt: 'doubt',
  complaint: 'complaint',
  invoice: 'invoice',
  cancellation: 'cancellation',
  newService: 'prospect',
  followUp: 'other',
  visit: 'other',
  person: 'other',
  other: 'other',
};

/** R004-2: the area a request goes to. */
export const CASE_AREA: Record<CaseType, Area> = {
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

/** R003-9: categories where a remote session by a technician makes sense. */
export const REMOTE_CATEGORIES: readonly CaseCategory[] = ['software', 'computing'];

/** What the flow knows of the priority so far (R001-1 questions are low, R003-5 claims high). */
export function priorityOf(context: Ctx, policy: PolicyConfig): Priority {
  if (context.priority) return context.priority;
  if (context.caseType === 'claim' || context.caseType === 'complaint') {
    return priorityFromClass('high', policy);
  }
  if (context.caseType === 'technical-fault') return priorityFromFairUse('medium', policy);
  return priorityFromFairUse('low', policy);
}

/** R003-9: the customer's answer about remote access, as a data tag for the case. */
function remoteTag(context: Ctx): string {
  if (context.remoteConsent == null) return '';
  return `\n[remote access: ${context.remoteConsent ? 'consented' : 'refused'}]`;
}

/** R001-4: the first-level steps taken, as a data tag for the case's description. */
export function triedTag(context: Ctx): string {
  const tried = context.tried ?? [];
  return tried.length === 0 ? '' : `\n[first level: ${tried.join('; ')}]`;
}

/** Longest subject made from longer words (a description, the first message). */
const DERIVED_SUBJECT_CHARS = 100;

/** The customer's equipment of the request, named as the record names it. */
function equipmentNamed(context: Ctx): string {
  const serial = context.equipmentSerial;
  if (!serial) return '';
  const e = context.customer?.equipment.find((x) => x.serial === serial);
  return e ? `${e.description} (${serial})` : serial;
}

/**
 * R001-2: the subject, as concrete as what is known — the subject asked, else the customer's
 * own words (the description, what they said first), else the equipment; the case type only
 * when nothing at all was said. Cut at a word, with an ellipsis.
 */
export function subjectOf(context: Ctx): string {
  if (context.subject) return clipAtWord(context.subject, MAX_SHORT_CHARS);
  const words = context.description || context.said || equipmentNamed(context);
  return words ? clipAtWord(words, DERIVED_SUBJECT_CHARS) : (context.caseType ?? 'other');
}

/** The `openCase` input for the request in the context; `extra` overrides its fields. */
export function openCaseInput(
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
    subject: subjectOf(context),
    description: `${context.description || context.subject || context.said || type}${triedTag(context)}${remoteTag(context)}`,
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
    // Issue 12: a request for an account nobody proved is marked for an agent to confirm.
    ...(context.customer ? { identityVerified: isProven(context) } : {}),
    ...extra,
  };
}

/** The case `openCase` opened (or joined), as the context remembers it. */
export function caseAssigned(output: OpenCaseOutput): Partial<Ctx> {
  return {
    caseNumber: output.caseNumber,
    caseOutcome: output.outcome,
    caseOpenedAt: output.openedAt,
    firstContactDue: output.firstContactDue,
  };
}
