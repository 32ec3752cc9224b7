/**
 * R004-5: cancellation. The contract (when there are several) and a confirmation; the contract
 * ends on the date of notice and all areas are told.
 */
import type { PolicyConfig } from '../../domain/policy/index.ts';
import type { ConversationSetup } from './actions.ts';
import { menu, proofGate, say, yesNo } from './builders.ts';
import { contractOf, zoneParams } from './facts.ts';
import { tellingOfficeHours } from './office-hours.ts';
import { TO } from './targets.ts';

/** The `cancellation` state: contract, confirmation, registration (R004-5). */
export function cancellation(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    initial: 'checkingProof',
    states: {
      // Issue 12: a cancellation is accepted only from a session that proved the account —
      // checked at the start and again before it is registered (a snapshot stored before).
      checkingProof: proofGate('cancellation', 'checkingContracts'),
      checkingConfirmedProof: proofGate('cancellationConfirmed', 'registering'),
      checkingContracts: {
        always: [
          { guard: 'hasSeveralContracts', target: 'choosingContract' },
          { target: 'confirming' },
        ],
      },
      choosingContract: menu(
        'cancellation.askContract',
        (c) =>
          (c.customer?.contractNumbers ?? []).map((n) => ({
            id: n,
            key: 'cancellation.contractOption',
            params: { contractNumber: n },
          })),
        { target: 'confirming', actions: 'takeContract' },
      ),
      confirming: yesNo(
        'cancellation.askConfirm',
        {
          yes: 'checkingConfirmedProof',
          no: { target: TO.anythingElse, actions: say('cancellation.kept') },
        },
        { params: (c) => ({ contractNumber: contractOf(c) }) },
      ),
      registering: {
        invoke: {
          src: 'registerCancellation',
          input: ({ context }) => ({
            accountNumber: context.customer?.accountNumber ?? '',
            contractNumber: contractOf(context),
            noticeAt: context.lastAt,
            conversationId: context.conversationId,
          }),
          onDone: {
            target: 'tellingOfficeHours',
            actions: [
              { type: 'rememberCaseNumber', params: ({ event }) => event.output.caseNumber },
              say('cancellation.registered', (c) => ({
                caseNumber: c.caseNumber ?? '',
                contractNumber: contractOf(c),
                noticeAt: c.lastAt,
                ...zoneParams(c, policy),
              })),
            ],
          },
          onError: TO.failure,
        },
      },
      // R003-2: the areas act on it in office hours; out of hours the customer is told when.
      // Issue 13: then "¿algo más?", as after every finished request.
      tellingOfficeHours: tellingOfficeHours(policy, TO.anythingElse),
    },
  });
}
