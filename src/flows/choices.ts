/**
 * The fixed choice sets the flows offer. Ids are what comes back in `customer.choice` and what
 * `understanding.json` lists synonyms for; keys are the labels' i18n keys in `bot.json`.
 */
import { CASE_CATEGORIES } from '../domain/cases/case.ts';
import { SEVERITIES, URGENCIES } from '../domain/policy/index.ts';
import { COUNTRIES, LANGUAGES } from '../domain/types.ts';
import type { Choice } from './contract.ts';
import type { ConversationContext, Intent } from './context.ts';

export const YES_NO: Choice[] = [
  { id: 'yes', key: 'common.yes' },
  { id: 'no', key: 'common.no' },
];

/** For steps the customer performs (plug in, turn on, restart): wait for "done". */
export const DONE_NOT_YET: Choice[] = [
  { id: 'done', key: 'common.done' },
  { id: 'notYet', key: 'common.notYet' },
];

export const SKIP: Choice[] = [{ id: 'skip', key: 'common.skip' }];

export const LANGUAGE_CHOICES: Choice[] = [...LANGUAGES]
  .sort((a, b) => ['en', 'pt', 'es'].indexOf(a) - ['en', 'pt', 'es'].indexOf(b))
  .map((l) => ({ id: `lang.${l}`, key: `language.${l}` }));

export const UNKNOWN_CUSTOMER_CHOICES: Choice[] = [
  { id: 'retry', key: 'identification.unknown.retry' },
  { id: 'newCustomer', key: 'identification.unknown.newCustomer' },
  { id: 'person', key: 'identification.unknown.person' },
];

const INTENTS: Intent[] = [
  'technical',
  'doubt',
  'complaint',
  'invoice',
  'cancellation',
  'newService',
  'followUp',
  'visit',
  'other',
  'person',
];

/**
 * Triage options. R003-7: with payments pending, only doubts, complaints/claims, invoices,
 * cancellation, follow-up and a person; R000-7: a contact who is not an authorised person may
 * consult (doubts, invoices/balance, follow-up) but not request a service.
 */
export function triageChoices(context: ConversationContext): Choice[] {
  const allowed = INTENTS.filter((intent) => {
    if (!context.mayRequestService)
      return ['doubt', 'invoice', 'followUp', 'person'].includes(intent);
    // A visit is moved like a service is requested: as technical faults are (issue 13).
    if (context.limited) return !['technical', 'newService', 'visit'].includes(intent);
    if (!context.customer) return ['newService', 'person'].includes(intent);
    return true;
  });
  return allowed.map((id) => ({ id, key: `triage.option.${id}` }));
}

/** Issue 12: at the code question — another code, or no access to that e-mail (a person). */
export const CODE_CHOICES: Choice[] = [
  { id: 'resend', key: 'proof.resend' },
  { id: 'noAccess', key: 'proof.noAccessChoice' },
];

export const CATEGORY_CHOICES: Choice[] = CASE_CATEGORIES.map((c) => ({
  id: c,
  key: `technical.category.${c}`,
}));

/** R002-3: each level shown once, as an option with its definition. */
export const SEVERITY_CHOICES: Choice[] = SEVERITIES.map((s) => ({
  id: s,
  key: `severity.${s}.label`,
  detail: `severity.${s}.definition`,
}));

export const URGENCY_CHOICES: Choice[] = URGENCIES.map((u) => ({
  id: u,
  key: `urgency.${u}.label`,
  detail: `urgency.${u}.definition`,
}));

export const COMPLAINT_KINDS: Choice[] = [
  { id: 'undueCharge', key: 'complaint.kind.undueCharge' },
  { id: 'missingService', key: 'complaint.kind.missingService' },
  { id: 'otherComplaint', key: 'complaint.kind.other' },
];

export const DELIVERY_CHANNELS: Choice[] = [
  { id: 'email', key: 'invoice.channel.email' },
  { id: 'whatsapp', key: 'invoice.channel.whatsapp' },
  { id: 'postal', key: 'invoice.channel.postal' },
];

export const COUNTRY_CHOICES: Choice[] = COUNTRIES.map((c) => ({ id: c, key: `country.${c}` }));

export const SCORE_CHOICES: Choice[] = [1, 2, 3, 4, 5].map((n) => ({
  id: String(n),
  key: `survey.score.${n}`,
}));

export const ATTACHMENT_CHOICES: Choice[] = [
  { id: 'done', key: 'technical.attachments.done' },
  { id: 'skip', key: 'common.skip' },
];

/**
 * Issue 13: what to do with a visit — confirm it (only while it is pending), move it (R000-5),
 * or leave it as it is.
 */
export function visitActionChoices(context: ConversationContext): Choice[] {
  const pending = context.visit?.outcome === 'pending';
  return [
    ...(pending ? [{ id: 'confirmVisit', key: 'visitChange.action.confirm' }] : []),
    { id: 'moveVisit', key: 'visitChange.action.move' },
    { id: 'keepVisit', key: 'visitChange.action.keep' },
  ];
}

export const ATTENDANT_CHOICES: Choice[] = [{ id: 'me', key: 'visit.attendantMe' }];

export const EXTERNAL_CAUSE_CHOICES: Choice[] = YES_NO;
