/**
 * Issue 13, said once: the words that chose the request (the triage answer, or the first
 * message kept until the customer was known) may already answer the questions that follow —
 * "me cobraron doble" the complaint's kind, "la impresora no imprime" the fault's platform,
 * "estamos parados" its severity and urgency. Taken only when a choice's phrase is inside
 * them, not negated, one choice alone (`presumedChoice`); else the question is asked. What was
 * taken is said, so the customer knows what was noted.
 */
import type { CaseType } from '../../domain/cases/case.ts';
import type { CaseCategory } from '../../domain/cases/case.ts';
import { priorityFromSeverityUrgency } from '../../domain/policy/index.ts';
import type { PolicyConfig, Severity, Urgency } from '../../domain/policy/index.ts';
import {
  CATEGORY_CHOICES,
  COMPLAINT_KINDS,
  SEVERITY_CHOICES,
  URGENCY_CHOICES,
} from '../choices.ts';
import type { ConversationContext } from '../context.ts';
import type { Choice } from '../contract.ts';
import type { Language } from '../../domain/types.ts';
import { presumedChoice } from '../understanding.ts';
import { CASE_AREA } from './case-request.ts';

/** The questions a request's first words may answer. */
export type Presumable = 'complaintKind' | 'category' | 'severity' | 'urgency';

/**
 * How each is read: its choices, and for severity and urgency the phrases of a first message
 * (`severityTold.*`, `urgencyTold.*` in `locales/<lang>/understanding.json`) — "urgente" in a
 * first message says too little to set a priority.
 */
export const READING: Record<Presumable, { choices: Choice[]; list?: string }> = {
  complaintKind: { choices: COMPLAINT_KINDS },
  category: { choices: CATEGORY_CHOICES },
  severity: { choices: SEVERITY_CHOICES, list: 'severityTold' },
  urgency: { choices: URGENCY_CHOICES, list: 'urgencyTold' },
};

/** The choice a request's first words (`text`) answer for `which`, or null (it is asked). */
export function presumedAnswer(text: string, which: Presumable, language: Language): string | null {
  if (text === '') return null;
  const { choices, list } = READING[which];
  return presumedChoice(text, choices, language, list ? { list } : {});
}

/** The choice the request's first words answer for `which`, or null (then it is asked). */
export function presumed(context: ConversationContext, which: Presumable): string | null {
  return presumedAnswer(context.intentText ?? '', which, context.language);
}

/** What the presumed answer sets, as the question's own answer would. */
export function presumedFields(
  context: ConversationContext,
  which: Presumable,
  policy: PolicyConfig,
): Partial<ConversationContext> {
  const id = presumed(context, which);
  if (id === null) return {};
  switch (which) {
    case 'complaintKind': {
      const caseType: CaseType = id === 'otherComplaint' ? 'complaint' : 'claim';
      return { caseType, area: CASE_AREA[caseType], subject: '' };
    }
    case 'category':
      return { category: id as CaseCategory };
    case 'severity':
      return { severity: id as Severity };
    case 'urgency':
      return {
        urgency: id as Urgency,
        priority: priorityFromSeverityUrgency(context.severity ?? 'medium', id as Urgency, policy),
      };
  }
}
