/**
 * Session and fair use. The `clock` region runs beside the conversation: it stamps every
 * customer event's instant, catches offensive language in any state before the answer is read
 * (R001-8), and hands off at any question where the customer asks for a person. At the root:
 * the warning or suspension (R001-8, R001-11) and the 20-minute chat limit (R001-7).
 */
import { and, not, stateIn } from 'xstate';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import type { ConversationSetup } from './actions.ts';
import { say } from './builders.ts';
import { openCaseInput } from './case-request.ts';
import { isProven, zoneParams } from './facts.ts';
import { TO } from './targets.ts';

/** The region beside the conversation that sees every customer event first. */
export function clock(s: ConversationSetup) {
  return s.createStateConfig({
    initial: 'ticking',
    states: {
      ticking: {
        on: {
          'customer.*': [
            // R001-8: offensive language in any answer, before the answer is read.
            { guard: 'isOffensive', target: TO.recordingAbuse, actions: 'stamp' },
            // Asking for a person works at any question, not only at triage.
            {
              guard: and(['asksForPersonHere', not(stateIn(TO.handoff))]),
              target: TO.handoff,
              actions: [
                'stamp',
                { type: 'handOffBecause', params: { reason: 'customer-request' } },
              ],
            },
            // Issue 13: words to the queue leave the context (and the stored snapshot) as it was.
            { guard: stateIn(TO.handoffWaiting) },
            { actions: 'stamp' },
          ],
          'agent.release': { actions: 'stamp' },
        },
      },
    },
  });
}

/** R001-8 / R001-11: a warning, or the suspension when the rules were broken too often. */
export function recordingAbuse(s: ConversationSetup) {
  return s.createStateConfig({
    invoke: {
      src: 'recordAbuse',
      input: ({ context }) => ({
        // Issue 12: warnings and suspensions count against an account only when the session
        // proved it: naming someone's account and insulting must not suspend their support.
        accountNumber: isProven(context) ? (context.customer?.accountNumber ?? null) : null,
        at: context.lastAt,
      }),
      onDone: [
        {
          guard: { type: 'isNowSuspended', params: ({ event }) => event.output },
          target: 'closedSuspended',
          actions: say('fairUse.suspended'),
        },
        {
          target: TO.history,
          actions: [
            { type: 'rememberAbuse', params: ({ event }) => event.output },
            say('fairUse.warning', (c) => ({ count: c.abuseWarnings })),
          ],
        },
      ],
      onError: TO.history,
    },
  });
}

/** R001-7: past 20 minutes the chat continues as a ticket (or in the case already open). */
export function chatLimit(s: ConversationSetup, policy: PolicyConfig) {
  return {
    chatLimit: s.createStateConfig({
      entry: say('chatLimit.reached'),
      always: [
        {
          guard: 'hasCase',
          target: 'closedChatLimit',
          actions: say('chatLimit.continuesInCase', (c) => ({ caseNumber: c.caseNumber ?? '' })),
        },
        { target: 'openingTicket' },
      ],
    }),
    openingTicket: s.createStateConfig({
      invoke: {
        src: 'openCase',
        input: ({ context }) => openCaseInput(context, policy, { includeTranscript: true }),
        onDone: {
          target: 'closedChatLimit',
          actions: [
            { type: 'rememberCase', params: ({ event }) => event.output },
            say('chatLimit.ticketOpened', (c) => ({
              caseNumber: c.caseNumber ?? '',
              openedAt: c.caseOpenedAt ?? '',
              ...zoneParams(c, policy),
            })),
          ],
        },
        onError: { target: 'closedChatLimit', actions: say('common.serviceUnavailable') },
      },
    }),
  };
}
