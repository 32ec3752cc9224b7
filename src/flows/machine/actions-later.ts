/** The actions of the later steps of a conversation (see `laterActions`). */
import { assign, emit, enqueueActions } from 'xstate';
import type { Area, CaseType } from '../../domain/cases/case.ts';
import type { HandoffReason } from '../../domain/handoff.ts';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import { isCountry } from '../../domain/types.ts';
import type { CaseView } from '../contract.ts';
import { MAX_SHORT_CHARS } from '../understanding.ts';
import type { CoreSetup } from './actions-core.ts';
import { priorityOf } from './case-request.ts';
import { contactCentrePhone, countryOf } from './facts.ts';
import { answerOf, textOf } from './reading.ts';

/**
 * The actions of the later steps: a prospect's contract, country and coverage, following up a
 * case, the survey, fair use and the hand-off to a person.
 */
export function laterActions(setup: CoreSetup, policy: PolicyConfig) {
  return setup.extend({
    actions: {
      takeContract: assign(({ context, event }) => ({ contractNumber: answerOf(context, event) })),
      takeCountry: assign(({ context, event }) => {
        const id = answerOf(context, event);
        return isCountry(id) ? { prospectCountry: id } : {};
      }),
      takeAddress: assign(({ event }) => ({ address: textOf(event, MAX_SHORT_CHARS) })),
      rememberCoverage: assign(
        ({ context }, coverage: { covered: boolean; city: string | null }) => ({
          covered: coverage.covered,
          coveredCity: coverage.city,
          caseType: 'prospect' as CaseType,
          area: (coverage.covered ? 'sales' : 'technical') as Area,
          subject: `prospect: ${coverage.city ?? context.address ?? ''}`.slice(0, MAX_SHORT_CHARS),
          description: `${countryOf(context)} — ${context.address ?? ''}`,
        }),
      ),
      rememberOpenCases: assign((_, cases: CaseView[]) => {
        const listed = cases.slice(0, 9);
        return {
          openCases: listed,
          followUpCase: listed.length === 1 ? (listed[0] ?? null) : null,
        };
      }),
      takeFollowUpCase: assign(({ context, event }) => ({
        followUpCase: context.openCases.find((c) => c.number === answerOf(context, event)) ?? null,
      })),
      takeScore: assign(({ context, event }) => ({
        surveyScore: Number(answerOf(context, event)),
      })),
      takeComment: assign(({ event }) => ({ description: textOf(event, 500) })),
      skipComment: assign({ description: '' }),
      rememberAbuse: assign((_, abuse: { warnings: number }) => ({
        abuseWarnings: abuse.warnings,
      })),
      /** R002-1: cases are opened through the country's contact centre. */
      tellContactCentre: enqueueActions(({ context, enqueue }) => {
        const phone = contactCentrePhone(context);
        if (phone) {
          enqueue.emit({
            type: 'reply',
            reply: { key: 'handoff.contactCentre', params: { phone } },
          });
        }
      }),
      handOffBecause: assign((_, params: { reason: HandoffReason }) => ({
        handoffReason: params.reason,
      })),
      announceHandoff: emit(({ context }) => ({
        type: 'handoff' as const,
        reason: context.handoffReason,
        level: 'L1' as const,
        priority: priorityOf(context, policy),
        caseNumber: context.caseNumber,
      })),
      /** Issue 13: the customer left the agents' queue for the bot. */
      leaveQueue: emit({ type: 'handoff.left' as const }),
      takeReleasedCase: assign(({ context, event }) => ({
        caseNumber:
          event.type === 'agent.release' && event.caseNumber
            ? event.caseNumber
            : context.caseNumber,
      })),
    },
  });
}
