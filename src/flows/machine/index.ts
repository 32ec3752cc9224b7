/**
 * The conversation machine: one XState v5 machine that reads as the support policy
 * (docs/POLICY.md), assembled from its sub-flows. It speaks only through `emit` of
 * `FlowEmitted` events (replies are i18n keys), performs side effects only through the
 * `fromPromise` actors named after `FlowServices`, waits for the customer only in states tagged
 * `awaitingInput`, keeps a JSON context, never reads a clock and never uses `after`: it
 * survives persist/restore every turn.
 *
 * Shape: `session` is parallel — a `clock` region that stamps every customer event's `at` and
 * catches offensive language in any state (R001-8), and the `conversation` region with the
 * flows. The deep history state lets a warning return the customer to the question they were
 * answering. `timer.chatLimit` (R001-7) is handled at the root, so it works in every state.
 * Stored snapshots name every state here: ids and paths never change.
 */
import type { PolicyConfig } from '../../domain/policy/index.ts';
import { initialContext } from '../context.ts';
import { conversationSetup } from './actions.ts';
import { say } from './builders.ts';
import { cancellation } from './cancellation.ts';
import { proof } from './account-proof.ts';
import { anythingElse, closedStates, failure } from './closing.ts';
import { contactDetails } from './contact-details.ts';
import { followUp } from './follow-up.ts';
import { handoff } from './handoff.ts';
import { identification, starting } from './identification.ts';
import { prospect } from './prospect.ts';
import { request } from './requests.ts';
import { chatLimit, clock, recordingAbuse } from './session.ts';
import { survey } from './survey.ts';
import { technical } from './technical/index.ts';
import { confirmingKeptIntent, routingKeptIntent, triage } from './triage.ts';
import { visitChange } from './visit-change.ts';
import { trainIntents } from '../meaning/intents.ts';

/**
 * Builds the conversation machine for a deployment's policy. Its actors are placeholders that
 * throw `NotProvided`; give it the real services with `provideServices`.
 */
export function createConversationMachine(policy: PolicyConfig) {
  // Issue 13: the intent classifiers learn at start-up (~0.25 s), not on a customer's turn.
  trainIntents();
  const s = conversationSetup(policy);
  return s.createMachine({
    id: 'bot',
    context: ({ input }) => initialContext(input, policy),
    initial: 'session',
    on: {
      // R001-7: the 20-minute limit turns the chat into a ticket, whatever state it is in.
      'timer.chatLimit': { target: '.chatLimit', actions: 'stamp' },
      // R001-8 while an agent holds the chat: a warning, or the suspension (R001-11).
      'held.text': { guard: 'isOffensive', target: '.recordingAbuse', actions: 'stamp' },
    },
    states: {
      session: {
        type: 'parallel',
        states: {
          clock: clock(s, policy),
          conversation: {
            initial: 'starting',
            on: {
              // Not understood too often: a person takes over (and R002-1: the contact centre).
              'flow.stuck': {
                target: '.handoff',
                actions: [
                  say('common.notUnderstoodHandoff'),
                  { type: 'handOffBecause', params: { reason: 'not-understood' } },
                ],
              },
            },
            states: {
              hist: { type: 'history', history: 'deep' },
              starting: starting(s),
              identification: identification(s, policy),
              contactDetails: contactDetails(s),
              triage: triage(s),
              confirmingKeptIntent: confirmingKeptIntent(s),
              routingKeptIntent: routingKeptIntent(s),
              technical: technical(s, policy),
              request: request(s, policy),
              cancellation: cancellation(s, policy),
              prospect: prospect(s, policy),
              followUp: followUp(s, policy),
              visits: visitChange(s, policy),
              proof: proof(s),
              survey: survey(s),
              anythingElse: anythingElse(s),
              failure: failure(s),
              handoff: handoff(s, policy),
            },
          },
        },
      },
      recordingAbuse: recordingAbuse(s, policy),
      ...chatLimit(s, policy),
      ...closedStates(s),
    },
  });
}

/** The conversation machine type. */
export type ConversationMachine = ReturnType<typeof createConversationMachine>;
