/**
 * How conversations end: "anything else?", a service failure (said, then a person), and the
 * final states, each telling the engine why the session closed.
 */
import type { ConversationSetup } from './actions.ts';
import { say, yesNo } from './builders.ts';
import { TO } from './targets.ts';

/** After a request is done: another one, or goodbye. */
export function anythingElse(s: ConversationSetup) {
  return s.createStateConfig(
    yesNo('common.askAnythingElse', {
      yes: 'triage',
      no: { target: TO.closedDone, actions: say('common.goodbye') },
    }),
  );
}

/** A service failed: say so and hand off rather than leave the customer stuck. */
export function failure(s: ConversationSetup) {
  return s.createStateConfig({
    entry: [
      say('common.serviceUnavailable'),
      { type: 'handOffBecause', params: { reason: 'service-error' } },
    ],
    always: 'handoff',
  });
}

/** The final states (root level): the engine marks the conversation closed with the reason. */
export function closedStates(s: ConversationSetup) {
  return {
    closedDone: s.createStateConfig({
      type: 'final',
      entry: { type: 'closeSession', params: { reason: 'done' } },
    }),
    closedSuspended: s.createStateConfig({
      type: 'final',
      entry: { type: 'closeSession', params: { reason: 'suspended' } },
    }),
    closedChatLimit: s.createStateConfig({
      type: 'final',
      entry: { type: 'closeSession', params: { reason: 'chat-limit' } },
    }),
  };
}
