/**
 * Decision 5: hand-off is a mode. The conversation is queued for an agent (with the country's
 * contact centre, R002-1) and the bot waits until an agent gives it back.
 */
import type { ConversationSetup } from './actions.ts';
import { AWAITING, say } from './builders.ts';
import { TO } from './targets.ts';

/** The `handoff` state: queued for an agent, then waiting until released. */
export function handoff(s: ConversationSetup) {
  return s.createStateConfig({
    initial: 'queueing',
    states: {
      queueing: {
        entry: ['announceHandoff', say('handoff.queued'), 'tellContactCentre'],
        always: 'waiting',
      },
      waiting: {
        tags: AWAITING,
        on: {
          'customer.*': { guard: 'isCivil', actions: say('handoff.stillQueued') },
          'agent.release': [
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
    },
  });
}
