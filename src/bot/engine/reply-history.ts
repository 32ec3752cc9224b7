/**
 * The replies a conversation's stored versions hold, read back (issue 12): what answered a
 * resent message, and every reply after a version for a channel that polls.
 */
import type { Translator } from '../i18n.ts';
import { channelOfConversation } from './inbound.ts';
import { customerInputKey } from './input-key.ts';
import type { OutboundMessage } from './messages.ts';
import { legacyCustomerInputKey } from './migrations/2026-11-28-input-keys.ts';
import type { ConversationState } from './state.ts';
import { repliesOf, versionThatAnswered } from './turn/index.ts';

/** A conversation's versions, as the reading needs them. */
export interface ReplyHistory {
  conversationId: string;
  latest(): Promise<ConversationState | null>;
  /** A stored version (what its turn said), null when it is gone. */
  read(version: number): Promise<Parameters<typeof repliesOf>[0] | null>;
  translator: Translator;
}

/**
 * The replies that answered a customer's message, as they were delivered (same `deliveryId`s):
 * what a resent message that was already answered gets back. Empty when the message was not
 * answered (yet), or too long ago to be among the conversation's last answered inputs.
 */
export async function answerTo(h: ReplyHistory, messageId: string): Promise<OutboundMessage[]> {
  const latest = await h.latest();
  if (!latest) return [];
  const keys = [
    customerInputKey(h.conversationId, messageId),
    legacyCustomerInputKey(channelOfConversation(h.conversationId), messageId),
  ];
  const version = versionThatAnswered(latest, keys);
  if (version === null) return [];
  const answering = version === latest.version ? latest : await h.read(version);
  return answering ? repliesOf(answering, h.translator) : [];
}

/** The replies of the versions after `after`, at most `limit` versions, and the last read. */
export async function repliesSince(
  h: ReplyHistory,
  after: number,
  limit: number,
): Promise<{ replies: OutboundMessage[]; cursor: number }> {
  const latest = await h.latest();
  if (!latest || latest.version <= after) return { replies: [], cursor: latest?.version ?? 0 };
  const last = Math.min(latest.version, Math.max(0, after) + limit);
  const replies: OutboundMessage[] = [];
  for (let v = Math.max(0, after) + 1; v <= last; v++) {
    const state = v === latest.version ? latest : await h.read(v);
    if (state) replies.push(...repliesOf(state, h.translator));
  }
  return { replies, cursor: last };
}
