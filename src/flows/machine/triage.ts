/**
 * Triage: what the customer wants, among the options their standing allows (R003-7, R000-7).
 * Each intent starts its flow with the request's type and area (R004-2). Issue 13: what the
 * customer said before identification ("mi módem no tiene luces" as the first message) is read
 * as the answer first — understood, the flow starts without the menu being shown.
 */
import type { Intent } from '../context.ts';
import type { ConversationSetup } from './actions.ts';
import { AWAITING, chose, reask, yesNo } from './builders.ts';
import type { Answer } from './builders.ts';

/** Where each intent goes (a described request skips the description: `request.describing`). */
const FLOWS: [Intent, string][] = [
  ['technical', 'technical'],
  ['doubt', 'request.describing'],
  ['complaint', 'request.readingComplaintKind'],
  // Issue 12: invoices, follow-up and cancellation prove the account first (their gates).
  ['invoice', 'request.checkingInvoiceProof'],
  ['cancellation', 'cancellation'],
  ['newService', 'prospect'],
  ['followUp', 'followUp'],
  // Issue 13: a visit seen, confirmed or moved.
  ['visit', 'visits'],
  // R004-7: anything else — described, then routed like a doubt.
  ['other', 'request.describing'],
];

const toPerson = {
  type: 'handOffBecause' as const,
  params: { reason: 'customer-request' as const },
};

/** The `triage` state: the request cleared, the kept text read or the options asked. */
export function triage(s: ConversationSetup) {
  const chosen: Answer[] = [
    ...FLOWS.map(([id, target]): Answer => ({ guard: chose(id), target, actions: 'chooseIntent' })),
    { guard: chose('person'), target: 'handoff', actions: ['chooseIntent', toPerson] },
    { guard: 'isCivil', actions: reask() },
  ];
  return s.createStateConfig({
    tags: AWAITING,
    entry: ['resetRequest', 'readKeptText', 'askTriage'],
    // The kept text answered triage: its intent is set on entry (and only then: it is cleared
    // on entry, and set again only on the way out). A person asked for is handed over at once;
    // any other reading is confirmed first — a guess from a first message that goes wrong would
    // register the wrong request without a question.
    always: [
      {
        guard: { type: 'isIntent' as const, params: { id: 'person' as Intent } },
        target: 'handoff',
        actions: toPerson,
      },
      { guard: 'hasIntent', target: 'confirmingKeptIntent' },
    ],
    on: { 'customer.*': chosen },
  });
}

/**
 * Issue 13: "¿se trata de «Falla técnica»?" — the intent read from the first message, confirmed
 * before its flow starts; a "no" shows the menu (the kept text is spent: not read again).
 */
export function confirmingKeptIntent(s: ConversationSetup) {
  return s.createStateConfig(
    yesNo(
      'triage.confirmKept',
      { yes: 'routingKeptIntent', no: 'triage' },
      { params: (c) => ({ intent: c.intent ?? 'other' }) },
    ),
  );
}

/** The confirmed intent to its flow (the request's type, area and description are kept). */
export function routingKeptIntent(s: ConversationSetup) {
  return s.createStateConfig({
    always: FLOWS.map(([id, target]) => ({
      guard: { type: 'isIntent' as const, params: { id } },
      target,
    })),
  });
}
