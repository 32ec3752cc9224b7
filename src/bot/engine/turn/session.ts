import type { ChannelKind, Language } from '../../../domain/types.ts';
import { isLanguage } from '../../../domain/types.ts';
import type { FlowInput } from '../../../flows/contract.ts';
import type { ConversationState } from '../state.ts';
import type { TurnInput } from './input.ts';
import { previousSession } from './previous-session.ts';

/** The policy a turn reads: the default language and the session's chat limit (R001-7). */
export interface TurnPolicy {
  language: { default: Language };
  fairUse: { chatLimitMinutes: number };
}

/**
 * A new session of a conversation (the first, or after a closed one), as version 0: the flow
 * starts from its input, and the session's 20-minute limit is a durable deadline (R001-7).
 */
export function newSession(
  conversationId: string,
  previous: ConversationState | null,
  input: TurnInput,
  now: Date,
  policy: TurnPolicy,
): ConversationState {
  const message = input.kind === 'customer' ? input.message : null;
  const channel = (message?.channel ??
    previous?.channel ??
    conversationId.split(':')[0]) as ChannelKind;
  const channelUserId =
    message?.channelUserId ?? previous?.channelUserId ?? conversationId.slice(channel.length + 1);
  const hint = message?.localeHint?.slice(0, 2).toLowerCase();
  const language: Language = isLanguage(hint)
    ? hint
    : (previous?.language ?? policy.language.default);
  const session = (previous?.session ?? 0) + 1;
  const flowInput: FlowInput = {
    conversationId,
    channel,
    channelUserId,
    localeHint: isLanguage(hint) ? hint : null,
    phone: message?.phone ?? null,
    displayName: message?.displayName ?? null,
    startedAt: now.toISOString(),
    // Issue 13: the customer of a session finished shortly before is not identified again.
    previous: input.kind === 'customer' ? previousSession(previous, now) : null,
  };
  const chatLimitMs = policy.fairUse.chatLimitMinutes * 60_000;
  return {
    _id: '',
    conversationId,
    version: 0,
    answers: '',
    replyTo: null,
    lastSequence: previous?.lastSequence ?? null,
    recent: [],
    channel,
    channelUserId,
    mode: 'bot',
    language,
    accountNumber: previous?.accountNumber ?? null,
    session,
    sessionStartedAt: now,
    snapshot: null,
    flowInput: flowInput as unknown as Record<string, unknown>,
    // R001-7: the session's 20-minute limit is a durable deadline, fired by the scheduler.
    deadlines: [
      {
        id: `${conversationId}:s${session}:chatLimit`,
        kind: 'chatLimit',
        dueAt: new Date(now.getTime() + chatLimitMs),
      },
    ],
    outbox: [],
    pendingOutbox: false,
    transcript: [],
    transcriptKept: 0,
    transcriptDepth: 0,
    handoff: null,
    createdAt: now,
  };
}
