/**
 * Follow-up of open cases (R001-6, R001-9, R001-5): which case, its status, and the follow-up
 * recorded — or, before the wait since the last contact is over, the rule and the minutes left;
 * pressing again after being told is warned and recorded as pressing. Out of hours, when
 * someone can answer (R003-2). A case with a visit then shows the visit, to be confirmed or
 * moved (issue 13).
 */
import type { PolicyConfig } from '../../domain/policy/index.ts';
import type { ConversationContext } from '../context.ts';
import type { ConversationSetup } from './actions.ts';
import { menu, proofGate, say } from './builders.ts';
import { followUpWait, followedCase, zoneParams } from './facts.ts';
import type { Params } from './facts.ts';
import { tellingOfficeHours } from './office-hours.ts';
import { TO } from './targets.ts';

/** The `followUp` state: the open cases listed, one chosen, its follow-up decided. */
export function followUp(s: ConversationSetup, policy: PolicyConfig) {
  /** R001-6: the minutes left of the wait, and the wait. */
  const waitParams = (c: ConversationContext) => ({
    minutesLeft: followUpWait(c, policy).waitMinutes,
    waitMinutes: policy.fairUse.followUpWaitMinutes,
  });
  /** Records the follow-up of the chosen case, then says `key`. */
  const recording = (pressing: boolean, key: string, params: (c: ConversationContext) => Params) =>
    s.createStateConfig({
      invoke: {
        src: 'recordFollowUp',
        input: ({ context }) => ({
          caseNumber: followedCase(context),
          at: context.lastAt,
          pressing,
        }),
        onDone: { target: 'tellingOfficeHours', actions: say(key, params) },
        onError: TO.failure,
      },
    });

  return s.createStateConfig({
    initial: 'checkingProof',
    states: {
      // Issue 12: case numbers, subjects and status are the account's: shown only to a session
      // that proved it (checked again after a case is chosen: a snapshot stored before).
      checkingProof: proofGate('followUp', 'listing'),
      checkingCaseProof: proofGate('followUpCase', 'deciding'),
      listing: {
        invoke: {
          src: 'listOpenCases',
          input: ({ context }) => ({ accountNumber: context.customer?.accountNumber ?? '' }),
          onDone: {
            target: 'choosing',
            actions: { type: 'rememberOpenCases', params: ({ event }) => event.output },
          },
          onError: TO.failure,
        },
      },
      choosing: {
        always: [
          { guard: 'hasNoOpenCases', target: TO.anythingElse, actions: say('followUp.none') },
          { guard: 'hasOneOpenCase', target: 'deciding' },
          { target: 'choosingCase' },
        ],
      },
      choosingCase: menu(
        'followUp.askCase',
        (c) =>
          c.openCases.map((k) => ({
            id: k.number,
            key: 'followUp.caseOption',
            params: { caseNumber: k.number, subject: k.subject },
          })),
        { target: 'checkingCaseProof', actions: 'takeFollowUpCase' },
      ),
      deciding: {
        entry: say('followUp.status', (c) => ({
          caseNumber: c.followUpCase?.number ?? '',
          status: c.followUpCase?.status ?? '',
          openedAt: c.followUpCase?.openedAt ?? '',
          solutionDue: c.followUpCase?.solutionDue ?? '',
          ...zoneParams(c, policy),
        })),
        always: [
          { guard: 'isPressing', target: 'pressing' },
          {
            guard: 'isTooSoonForFollowUp',
            target: 'tellingOfficeHours',
            actions: say('followUp.tooSoon', waitParams),
          },
          { target: 'recording' },
        ],
      },
      recording: recording(false, 'followUp.recorded', (c) => ({
        caseNumber: c.followUpCase?.number ?? '',
      })),
      pressing: recording(true, 'followUp.pressingWarning', waitParams),
      // R003-2: people follow the case up in office hours; out of hours the customer is told
      // when someone can answer (the day or the holiday named).
      tellingOfficeHours: tellingOfficeHours(policy, 'afterStatus'),
      // Issue 13: a case with a visit shows it next, to be confirmed or moved.
      afterStatus: {
        always: [{ guard: 'hasVisitToShow', target: TO.visits }, { target: TO.anythingElse }],
      },
    },
  });
}
