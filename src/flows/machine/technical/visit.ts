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

/** The visit steps of the `technical` state, from the slots proposed to the folio. */
export function visit(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    states: {
      proposingSlots: {
        invoke: {
          src: 'proposeVisitSlots',
          input: ({ context }) => whereAndWhen(context, policy),
          onDone: {
            target: 'havingSlots',
            actions: { type: 'rememberSlots', params: ({ event }) => event.output },
          },
          onError: TO.failure,
        },
      },
      havingSlots: {
        always: [
          { guard: 'hasSlots', target: 'choosingSlot' },
          { target: TO.anythingElse, actions: say('visit.noSlots') },
        ],
      },
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
            target: TO.closedDone,
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
