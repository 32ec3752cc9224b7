/**
 * Triage: what the customer wants, among the options their standing allows (R003-7, R000-7).
 * Each intent starts its flow with the request's type and area (R004-2).
 */
import { triageChoices } from '../choices.ts';
import type { Intent } from '../context.ts';
import type { ConversationSetup } from './actions.ts';
import { ask, chose, question } from './builders.ts';
import type { Answer } from './builders.ts';

/** An intent chosen at triage, and where it goes. */
function intent(id: Intent, target: string): Answer {
  return { guard: chose(id), target, actions: 'chooseIntent' };
}

/** The `triage` state: the request cleared, the options asked, each intent to its flow. */
export function triage(s: ConversationSetup) {
  return s.createStateConfig(
    question(
      ask('triage.ask', triageChoices),
      [
        intent('technical', 'technical'),
        intent('doubt', 'request.askingDescription'),
        intent('complaint', 'request.choosingComplaintKind'),
        // Issue 12: invoices, follow-up and cancellation prove the account first (their gates).
        intent('invoice', 'request.checkingInvoiceProof'),
        intent('cancellation', 'cancellation'),
        intent('newService', 'prospect'),
        intent('followUp', 'followUp'),
        intent('visit', 'visits'),
        // R004-7: anything else — described, then routed like a doubt.
        intent('other', 'request.askingDescription'),
        {
          guard: chose('person'),
          target: 'handoff',
          actions: [
            'chooseIntent',
            { type: 'handOffBecause', params: { reason: 'customer-request' } },
          ],
        },
      ],
      { before: ['resetRequest'] },
    ),
  );
}
