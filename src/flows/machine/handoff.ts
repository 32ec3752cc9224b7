/**
 * Decision 5: hand-off is a mode. The conversation is queued for an agent (with the country's
 * contact centre, R002-1) and the bot waits until an agent gives it back — but never leaves
 * the customer in a dead end (issue 13): told honestly when someone can answer (R003-2: now,
 * or the next business window, naming the day or the holiday), free to go back to the bot at
 * any time ("menú", "volver"), a prospect sent to the prospect flow (R004-6); the 20-minute
 * limit (R001-7, at the root) turns the wait into a ticket.
 */
import { not } from 'xstate';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import type { OfficeHoursView } from '../contract.ts';
import type { ConversationSetup } from './actions.ts';
import { AWAITING, say } from './builders.ts';
import { officeHoursInput, sayHours } from './office-hours.ts';
import { TO } from './targets.ts';

const closed = {
  type: 'isOfficeClosed' as const,
  params: ({ event }: { event: { output: OfficeHoursView } }) => event.output,
};

/** The `handoff` state: queued for an agent, told when one can answer, then waiting. */
export function handoff(s: ConversationSetup, policy: PolicyConfig) {
  const queued = [say('handoff.queued'), 'tellContactCentre'] as const;
  return s.createStateConfig({
    initial: 'queueing',
    states: {
      queueing: {
        entry: 'announceHandoff',
        invoke: {
          src: 'officeHours',
          input: ({ context }) => officeHoursInput(context, policy),
          onDone: [
            {
              guard: closed,
              target: 'waiting',
              actions: [sayHours('handoff.queuedClosed', policy), 'tellContactCentre'],
            },
            { target: 'waiting', actions: [...queued] },
          ],
          onError: { target: 'waiting', actions: [...queued] },
        },
      },
      // The customer's words here leave the context as it was (the clock region does not stamp
      // them): a customer writing while queued does not make the engine store the snapshot.
      waiting: {
        tags: AWAITING,
        on: {
          'customer.*': [
            {
              guard: 'asksForBot',
              target: TO.afterQueue,
              actions: ['stamp', 'leaveQueue', say('handoff.left')],
            },
            // R004-6: a prospect is served by the prospect flow, not by a queue.
            {
              guard: 'talksAsProspect',
              target: TO.prospect,
              actions: ['stamp', 'leaveQueue', 'becomeProspect'],
            },
            // Anything else (asking for a person again too) is answered; insults are the clock
            // region's (R001-8).
            { guard: not('isOffensive'), target: 'answering' },
          ],
          'agent.release': [
            // R002-7/R002-8: the engine told the closure; the customer is asked the survey.
            { guard: 'closedByAgent', target: TO.survey, actions: 'takeReleasedCase' },
            {
              guard: 'hasCustomer',
              target: TO.triage,
              actions: ['takeReleasedCase', say('handoff.released')],
            },
            {
              target: TO.identification,
              actions: ['takeReleasedCase', say('handoff.released')],
            },
          ],
        },
      },
      // R003-2: each message is answered with when someone can, at that message's instant.
      answering: {
        invoke: {
          src: 'officeHours',
          input: ({ context, event }) =>
            officeHoursInput(context, policy, 'at' in event ? event.at : context.lastAt),
          onDone: [
            {
              guard: closed,
              target: 'waiting',
              actions: sayHours('handoff.stillQueuedClosed', policy),
            },
            { target: 'waiting', actions: say('handoff.stillQueued') },
          ],
          onError: { target: 'waiting', actions: say('handoff.stillQueued') },
        },
      },
      // Back to the bot: a customer identified goes to triage, anyone else is asked who they are.
      leaving: {
        always: [{ guard: 'hasCustomer', target: TO.triage }, { target: TO.identification }],
      },
    },
  });
}
