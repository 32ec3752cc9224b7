/** Versions, inputs and a renderer for the unit tests of the engine's pure core. */
import {
  agentInputKey,
  customerInputKey,
  timerInputKey,
} from '../../../src/bot/engine/input-key.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import type { AgentAction, Renderer, TurnInput } from '../../../src/bot/engine/turn/index.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';

export const CONVERSATION = 'terminal:ana';
export const NOW = new Date('2026-03-10T16:05:00Z');
export const POLICY = DEFAULT_POLICY;

/** Version `version` of terminal:ana, in bot mode, in its first session. */
export function versionOf(
  version: number,
  patch: Partial<ConversationState> = {},
): ConversationState {
  return {
    _id: `${CONVERSATION}:${version}`,
    conversationId: CONVERSATION,
    version,
    answers: customerInputKey(CONVERSATION, `m${version}`),
    replyTo: `m${version}`,
    lastSequence: null,
    recent: Array.from({ length: version }, (_, i) => customerInputKey(CONVERSATION, `m${i + 1}`)),
    channel: 'terminal',
    channelUserId: 'ana',
    mode: 'bot',
    language: 'es',
    accountNumber: null,
    session: 1,
    sessionStartedAt: new Date('2026-03-10T16:00:00Z'),
    snapshot: '{"value":"asking"}',
    flowInput: { conversationId: CONVERSATION },
    deadlines: [
      {
        id: `${CONVERSATION}:s1:chatLimit`,
        kind: 'chatLimit',
        dueAt: new Date('2026-03-10T16:20:00Z'),
      },
    ],
    outbox: [{ key: 'triage.ask' }],
    pendingOutbox: true,
    transcript: [
      { at: new Date('2026-03-10T16:00:00Z'), from: 'customer', text: 'Hola' },
      { at: new Date('2026-03-10T16:00:00Z'), from: 'bot', text: 'triage.ask' },
    ],
    transcriptKept: 0,
    transcriptDepth: 0,
    handoff: null,
    createdAt: new Date('2026-03-10T16:00:00Z'),
    ...patch,
  };
}

export function customerSays(
  messageId: string,
  text: string,
  extra: { choice?: string; localeHint?: string } = {},
): TurnInput {
  return {
    kind: 'customer',
    key: customerInputKey(CONVERSATION, messageId),
    legacyKey: `in:terminal:${messageId}`,
    message: {
      channel: 'terminal',
      channelUserId: 'ana',
      messageId,
      text,
      receivedAt: NOW,
      ...extra,
    },
  };
}

export function timerFires(timerId: string): TurnInput {
  return { kind: 'timer', key: timerInputKey(timerId), timerId };
}

export function agentDoes(action: AgentAction, actionId: string, text = ''): TurnInput {
  return {
    kind: 'agent',
    key: agentInputKey(CONVERSATION, actionId),
    action,
    agent: 'Marta',
    text,
  };
}

/** Renders a reply as `<language>:<key>`, each choice as its key: enough to see what was used. */
export const renderer: Renderer = {
  render: (reply, language) => ({
    text: `${language}:${reply.key}`,
    choices: (reply.choices ?? []).map((c) => ({ id: c.id, label: c.key })),
  }),
};
