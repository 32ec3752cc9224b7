/**
 * R002-6: a visit agreed with the customer — a slot among those proposed, someone available for
 * the whole visit (R000-3), the customer's duties told (R000-5, R000-10, R000-11, R000-13),
 * then the folio.
 */
import type { PolicyConfig } from '../../../domain/policy/index.ts';
import { ATTENDANT_CHOICES } from '../../choices.ts';
import type { ConversationSetup } from '../actions.ts';
import { ask, chose, menu, question, say } from '../builders.ts';
import { currentCase, whereAndWhen, zoneParams } from '../facts.ts';
import { TO } from '../targets.ts';

/**
 * R002-6: the slots a visit may take, inside office hours — asked of the domain, then chosen
 * (`choosingSlot`), or, when there are none, `noSlots` said and "anything else?" asked.
 */
export function slotProposal(
  s: ConversationSetup,
  policy: PolicyConfig,
  remember: 'rememberSlots' | 'rememberMoveSlots',
  noSlots: ReturnType<typeof say>,
) {
  return {
    proposingSlots: s.createStateConfig({
      invoke: {
        src: 'proposeVisitSlots',
        input: ({ context }) => whereAndWhen(context, policy),
        onDone: {
          target: 'havingSlots',
          actions: { type: remember, params: ({ event }) => event.output },
        },
        onError: TO.failure,
      },
    }),
    havingSlots: s.createStateConfig({
      always: [
        { guard: 'hasSlots', target: 'choosingSlot' },
        { target: TO.anythingElse, actions: noSlots },
      ],
    }),
  };
}

/** The visit steps of the `technical` state, from the slots proposed to the folio. */
export function visit(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    states: {
      ...slotProposal(s, policy, 'rememberSlots', say('visit.noSlots')),
      choosingSlot: menu(
        'visit.askSlot',
        (c) =>
          c.slots.map((slot) => ({
            id: slot.id,
            key: 'visit.slotOption',
            params: { start: slot.start, end: slot.end, ...zoneParams(c, policy) },
          })),
        { target: 'askingAttendant', actions: 'takeSlot' },
      ),
      // R000-3: someone available for the whole visit.
      askingAttendant: question(
        ask('visit.askAttendant', ATTENDANT_CHOICES, (c) => ({ name: c.contact.name })),
        [
          { guard: chose('me'), target: 'openingFolio', actions: 'takeAttendantMe' },
          { guard: 'isName', target: 'openingFolio', actions: 'takeAttendant' },
        ],
        { hint: 'visit.attendantNotUnderstood' },
      ),
      openingFolio: {
        // R000-5, R000-11, R000-13, R000-10: duties told before the folio is opened.
        entry: [
          say('visit.dutiesDocuments', () => ({
            noticeHours: policy.visits.freeRescheduleNoticeBusinessMinutes / 60,
          })),
          say('visit.preparationSteps'),
          say('visit.manufacturerRequirements'),
          say('visit.tolerance', () => ({ minutes: policy.visits.toleranceMinutes })),
        ],
        invoke: {
          src: 'openFolio',
          input: ({ context }) => ({
            caseNumber: currentCase(context),
            slot: context.slot ?? { id: '', start: '', end: '' },
            attendant: context.attendant ?? context.contact.name,
          }),
          onDone: {
            // Issue 13: a finished request asks "¿algo más?" before the session ends.
            target: TO.anythingElse,
            actions: [
              { type: 'rememberFolio', params: ({ event }) => event.output },
              say('visit.folioConfirmed', (c) => ({
                folioNumber: c.folioNumber ?? '',
                caseNumber: c.caseNumber ?? '',
                start: c.slot?.start ?? '',
                end: c.slot?.end ?? '',
                attendant: c.attendant ?? '',
                ...zoneParams(c, policy),
              })),
            ],
          },
          onError: TO.failure,
        },
      },
    },
  });
}
