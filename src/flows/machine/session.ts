/**
 * Session and fair use. The `clock` region runs beside the conversation: it stamps every
 * customer event's instant, catches offensive language in any state before the answer is read
 * (R001-8), hands off at any question where the customer asks for a person, and switches to
 * the language the customer asks for at any question (the question asked again in it). At the root:
 * the warning or suspension (R001-8, R001-11) and the 20-minute chat limit (R001-7).
 */
import { and, not, stateIn } from 'xstate';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import type { ConversationSetup } from './actions.ts';
import { say } from './builders.ts';
import { openCaseInput } from './case-request.ts';
import { cleanText } from '../../domain/text.ts';
import { offensiveLanguage } from '../fair-use/index.ts';
import { MAX_SHORT_CHARS } from '../understanding.ts';
import { isProven, zoneParams } from './facts.ts';
import { offenceCountryOf } from './reading.ts';
import { TO } from './targets.ts';
import { refusingSuspendedPerson } from './identification.ts';

/** The region beside the conversation that sees every customer event first. */
export function clock(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    initial: 'ticking',
    states: {
      ticking: {
        on: {
          'customer.*': [
            // R001-11: a person suspended at session start is refused whatever they write —
            // a prospect, asking for a person, a language — not only at identification.
            ...refusingSuspendedPerson(policy, true),
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
            // Issue 13: "english", "em português" at any question: that question again, in it.
            {
              guard: and(['switchesLanguageHere', not(stateIn(TO.handoff))]),
              target: TO.history,
              actions: ['stamp', 'chooseLanguage', 'announceLanguage'],
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

/**
 * R001-11: what the customer is told when suspended, naming the policy's duration in their
 * language (i18next's number formatting: "24 horas", "2 days", "3 dias"), or that it is
 * permanent (`suspensionHours: 0`).
 */
export function suspensionNotice(policy: PolicyConfig) {
  const hours = policy.fairUse.suspensionHours;
  if (hours === 0) return say('fairUse.suspendedPermanently');
  if (hours % 24 === 0) return say('fairUse.suspendedForDays', { days: hours / 24 });
  return say('fairUse.suspendedForHours', { hours });
}

/**
 * R001-8 / R001-11: a warning, or the suspension when the rules were broken too often. Both
 * are the person's (the conversation's sender, the network-verified phone), never the company
 * account's; the words are recorded for agents.
 */
export function recordingAbuse(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    invoke: {
      src: 'recordAbuse',
      input: ({ context, event }) => {
        const text =
          event.type === 'customer.text' || event.type === 'held.text'
            ? cleanText(event.text, MAX_SHORT_CHARS)
            : '';
        return {
          conversationId: context.conversationId,
          phone: context.inputPhone,
          // Issue 12: an account is named in the record only when the session proved it.
          accountNumber: isProven(context) ? (context.customer?.accountNumber ?? null) : null,
          rule: 'R001-8' as const,
          words: offensiveLanguage(text, offenceCountryOf(context))?.words ?? [],
          text,
          at: context.lastAt,
        };
      },
      onDone: [
        {
          guard: { type: 'isNowSuspended', params: ({ event }) => event.output },
          target: 'closedSuspended',
          actions: suspensionNotice(policy),
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
