/**
 * Issue 13: a visit already agreed, from the chat — seen (its folio, its date and window, the
 * technician's tolerance of R000-10), confirmed, or moved. A move offers slots inside office
 * hours (R002-6), tells its cost under R000-5 (free with 8 business hours' notice or a free
 * reschedule owed by R000-8/9/10, otherwise charged or deducted from the plan) and moves the
 * visit only after an explicit yes. A visit's date and address are the account's: the account is
 * proven first (issue 12).
 */
import { and } from 'xstate';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import { visitActionChoices } from '../choices.ts';
import type { ConversationContext } from '../context.ts';
import type { MoveVisitOutput, VisitMoveTerms } from '../contract.ts';
import type { ConversationSetup } from './actions.ts';
import { ask, chose, menu, proofGate, question, say, yesNo } from './builders.ts';
import { followedCase, whereAndWhen, zoneParams } from './facts.ts';
import type { Params } from './facts.ts';
import { TO } from './targets.ts';
import { slotProposal } from './technical/visit.ts';

type Ctx = ConversationContext;

/** The outcome of `moveVisit`, as a guard on its output. */
const moved = (outcome: MoveVisitOutput['outcome']) => ({
  type: 'isMoveOutcome' as const,
  params: ({ event }: { event: { output: MoveVisitOutput } }) => ({
    moved: event.output,
    outcome,
  }),
});

/** The `visits` state: the account's visits listed, one chosen, seen, confirmed or moved. */
export function visitChange(s: ConversationSetup, policy: PolicyConfig) {
  /** R000-5 and R000-10 as the customer is told them. */
  const rules = {
    noticeHours: policy.visits.freeRescheduleNoticeBusinessMinutes / 60,
    minutes: policy.visits.toleranceMinutes,
  };
  /** The visit chosen, as its replies name it (instants as ISO, formatted by the locale). */
  const visitParams = (c: Ctx): Params => ({
    folioNumber: c.visit?.folioNumber ?? '',
    caseNumber: c.visit?.caseNumber ?? '',
    subject: c.visit?.subject ?? '',
    start: c.visit?.start ?? '',
    end: c.visit?.end ?? '',
    attendant: c.visit?.attendant ?? '',
    ...rules,
    ...zoneParams(c, policy),
  });
  /** The visit and the slot it would move to. */
  const moveParams = (c: Ctx): Params => ({
    ...visitParams(c),
    newStart: c.slot?.start ?? '',
    newEnd: c.slot?.end ?? '',
  });
  const kept = { target: TO.anythingElse, actions: say('visitChange.kept', visitParams) };
  /** R000-5: the move and its cost told; only a yes moves the visit. */
  const confirmingMove = (key: string) =>
    yesNo(key, { yes: 'moving', no: kept }, { params: moveParams });
  const terms = (because: VisitMoveTerms['because'], target: string) => ({
    guard: { type: 'isMoveTerms' as const, params: { because } },
    target,
  });

  return s.createStateConfig({
    initial: 'checkingProof',
    states: {
      checkingProof: proofGate('visits', 'listing'),
      listing: {
        invoke: {
          src: 'listVisits',
          input: ({ context }) => ({
            accountNumber: context.customer?.accountNumber ?? '',
            // From a case's follow-up: that case's visit; from triage: all of the account's.
            caseNumber: context.intent === 'followUp' ? followedCase(context) : null,
          }),
          onDone: {
            target: 'choosing',
            actions: { type: 'rememberVisits', params: ({ event }) => event.output },
          },
          onError: TO.failure,
        },
      },
      choosing: {
        always: [
          { guard: and(['hasNoVisits', 'isFollowingUp']), target: TO.anythingElse },
          // None: said plainly, with the way to get one (a visit comes from a fault reported).
          { guard: 'hasNoVisits', target: TO.anythingElse, actions: say('visitChange.none') },
          { guard: 'hasOneVisit', target: 'showing' },
          { target: 'choosingVisit' },
        ],
      },
      choosingVisit: menu(
        'visitChange.askVisit',
        (c) =>
          (c.visits ?? []).map((v) => ({
            id: v.folioNumber,
            key: 'visitChange.visitOption',
            params: {
              folioNumber: v.folioNumber,
              subject: v.subject,
              start: v.start,
              end: v.end,
              ...zoneParams(c, policy),
            },
          })),
        { target: 'showing', actions: 'takeVisit' },
      ),
      showing: question(
        ask('visitChange.askAction', visitActionChoices),
        [
          { guard: chose('confirmVisit'), target: 'confirming' },
          { guard: chose('moveVisit'), target: 'proposingSlots' },
          { guard: chose('keepVisit'), ...kept },
        ],
        {
          before: [
            {
              type: 'say',
              // R000-10: a pending visit is told with the technician's tolerance; one not done
              // on the customer's side with the free reschedule it may earn (R000-8/9/10).
              params: ({ context }) => ({
                key:
                  context.visit?.outcome === 'pending'
                    ? 'visitChange.details'
                    : 'visitChange.detailsNotDone',
                params: visitParams(context),
              }),
            },
          ],
        },
      ),
      confirming: {
        invoke: {
          src: 'confirmVisit',
          input: ({ context }) => ({
            folioNumber: context.visit?.folioNumber ?? '',
            caseNumber: context.visit?.caseNumber ?? followedCase(context),
            at: context.lastAt,
          }),
          onDone: { target: TO.anythingElse, actions: say('visitChange.confirmed', visitParams) },
          onError: TO.failure,
        },
      },
      // R002-6: the slots a new date may take, inside office hours.
      ...slotProposal(s, policy, 'rememberMoveSlots', say('visitChange.noSlots', visitParams)),
      choosingSlot: menu(
        'visitChange.askSlot',
        (c) =>
          c.slots.map((slot) => ({
            id: slot.id,
            key: 'visit.slotOption',
            params: { start: slot.start, end: slot.end, ...zoneParams(c, policy) },
          })),
        { target: 'quoting', actions: 'takeSlot' },
      ),
      // R000-5: the cost is known before the customer is asked to confirm.
      quoting: {
        invoke: {
          src: 'quoteVisitMove',
          input: ({ context }) => ({
            folioNumber: context.visit?.folioNumber ?? '',
            ...whereAndWhen(context, policy),
          }),
          onDone: {
            target: 'confirmingMove',
            actions: { type: 'rememberVisitTerms', params: ({ event }) => event.output },
          },
          onError: TO.failure,
        },
      },
      confirmingMove: {
        always: [
          terms('notice', 'confirmingFreeMove'),
          terms('owed', 'confirmingOwedMove'),
          { target: 'confirmingChargedMove' },
        ],
      },
      confirmingFreeMove: confirmingMove('visitChange.askMoveFree'),
      confirmingOwedMove: confirmingMove('visitChange.askMoveOwed'),
      confirmingChargedMove: confirmingMove('visitChange.askMoveCharged'),
      moving: {
        invoke: {
          src: 'moveVisit',
          input: ({ context }) => ({
            accountNumber: context.customer?.accountNumber ?? '',
            folioNumber: context.visit?.folioNumber ?? '',
            slot: context.slot ?? { id: '', start: '', end: '' },
            acceptedCost: context.visitTerms?.cost ?? 'charged',
            country: whereAndWhen(context, policy).country,
            timeZone: whereAndWhen(context, policy).timeZone,
          }),
          onDone: [
            {
              guard: moved('moved'),
              target: TO.anythingElse,
              actions: [
                'rememberVisitMoved',
                {
                  type: 'say',
                  params: ({ context, event }) => ({
                    key:
                      event.output.outcome === 'moved' && event.output.cost === 'charged'
                        ? 'visitChange.movedCharged'
                        : 'visitChange.movedFree',
                    params: visitParams(context),
                  }),
                },
              ],
            },
            {
              // R000-5: the notice ran short while the customer chose: told again, asked again.
              guard: moved('cost-changed'),
              target: 'confirmingMove',
              actions: [
                { type: 'rememberChangedTerms', params: ({ event }) => event.output },
                say('visitChange.costChanged'),
              ],
            },
            { target: TO.anythingElse, actions: say('visitChange.notMovable', visitParams) },
          ],
          onError: TO.failure,
        },
      },
    },
  });
}
