import {
  conversationIdOf,
  type InboundMessage,
  type OutboundMessage,
} from '../bot/engine/messages.ts';
import { DEFAULT_ATTACHMENT_LIMITS, type AttachmentRefusal } from '../domain/attachments/index.ts';
import { isLanguage } from '../domain/types.ts';
import type { ChannelTexts } from './channel-adapter.ts';

/**
 * The reply telling a customer that a file they sent was not kept, and why (R001-3): too large,
 * of a type not taken, or not readable. Every network says it in the same words
 * (`attachment.refused.*`), in the language the network suggests or the default (the
 * conversation's own is the engine's to know). One per message: its `deliveryId` is the
 * message's, so a redelivered message is told once.
 */
export function fileRefusedReply(
  message: InboundMessage,
  refusal: AttachmentRefusal | 'failed',
  texts: ChannelTexts,
): OutboundMessage {
  const conversationId = conversationIdOf(message.channel, message.channelUserId);
  const hint = message.localeHint?.slice(0, 2).toLowerCase();
  const language = isLanguage(hint) ? hint : texts.defaultLanguage;
  const maxMb = Math.floor(DEFAULT_ATTACHMENT_LIMITS.maxBytes / (1024 * 1024));
  const key = `attachment.refused.${refusal}`;
  return {
    deliveryId: `${conversationId}:fileRefused:${message.messageId}`,
    conversationId,
    channel: message.channel,
    channelUserId: message.channelUserId,
    language,
    reply: { key, params: { maxMb } },
    inReplyTo: message.messageId,
    text: texts.text(key, { maxMb }, language),
    choices: [],
  };
}
