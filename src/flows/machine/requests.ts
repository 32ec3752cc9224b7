/**
 * Doubts, complaints and claims, invoices and balances (R004-4, R004-2): described, routed to
 * their area, registered as a case whose number is told. Invoices go by the channel the
 * customer chooses.
 */
import { and } from 'xstate';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import { COMPLAINT_KINDS, DELIVERY_CHANNELS } from '../choices.ts';
import type { ConversationSetup } from './actions.ts';
import { NONSENSE, ask, chose, menu, proofGate, question, say } from './builders.ts';
import { openCaseInput } from './case-request.ts';
import { zoneParams } from './facts.ts';
import { tellingOfficeHours } from './office-hours.ts';
import { readingSaid } from './said-states.ts';
import { TO } from './targets.ts';

/** The `request` state: complaint kind, description, delivery channel, the case opened. */
export function request(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    initial: 'askingDescription',
    states: {
      // Issue 12: invoices and balances are the account's: proven before they are asked for,
      // and again before the request is registered (a snapshot stored before the gate).
      checkingInvoiceProof: proofGate('invoice', 'describing'),
      checkingCaseProof: proofGate('invoiceCase', 'openingCase'),
      // Issue 13: "me cobraron doble" said the complaint's kind: not asked again.
      readingComplaintKind: readingSaid('complaintKind', 'describing', 'choosingComplaintKind'),
      choosingComplaintKind: menu('complaint.askKind', COMPLAINT_KINDS, {
        target: 'describing',
        actions: 'takeComplaintKind',
      }),
      // Issue 13: the customer's first message already described it — not asked again.
      describing: {
        always: [
          { guard: and(['isDescribed', 'isInvoice']), target: 'choosingDelivery' },
          { guard: 'isDescribed', target: 'openingCase' },
          { target: 'askingDescription' },
        ],
      },
      askingDescription: question(
        ask('request.askDescription'),
        [
          NONSENSE,
          {
            guard: 'isInvoice',
            target: 'choosingDelivery',
            actions: ['takeDescription', 'keepAttachments'],
          },
          { target: 'openingCase', actions: ['takeDescription', 'keepAttachments'] },
        ],
        { hint: null },
      ),
      // R004-4: balances and invoices go by the method the customer chooses.
      choosingDelivery: question(ask('invoice.askChannel', DELIVERY_CHANNELS), [
        { guard: chose('postal'), target: 'askingPostalAddress', actions: 'takeDeliveryChannel' },
        {
          guard: 'choseAnything',
          target: 'checkingCaseProof',
          actions: ['takeDeliveryChannel', 'noteDeliveryChannel'],
        },
      ]),
      askingPostalAddress: question(ask('invoice.askPostalAddress'), [
        {
          guard: 'isPlace',
          target: 'checkingCaseProof',
          actions: ['takePostalAddress', 'noteDeliveryChannel'],
        },
      ]),
      openingCase: {
        invoke: {
          src: 'openCase',
          input: ({ context }) => openCaseInput(context, policy),
          onDone: {
            target: 'tellingOfficeHours',
            actions: [
              { type: 'rememberCase', params: ({ event }) => event.output },
              say('request.registered', (c) => ({
                caseNumber: c.caseNumber ?? '',
                openedAt: c.caseOpenedAt ?? '',
                area: c.area ?? '',
                ...zoneParams(c, policy),
              })),
            ],
          },
          onError: TO.failure,
        },
      },
      // R003-2: a person takes the request up; out of hours the customer is told when.
      tellingOfficeHours: tellingOfficeHours(policy, TO.anythingElse),
    },
  });
}
