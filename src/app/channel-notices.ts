import {
  conversationIdOf,
  type InboundMessage,
  type OutboundMessage,
} from '../bot/engine/messages.ts';
import type { Translator } from '../bot/i18n.ts';
import type { ChannelNotices } from '../channels/channel-adapter.ts';
import { DEFAULT_ATTACHMENT_LIMITS, type AttachmentRefusal } from '../domain/attachments/index.ts';
import { isLanguage, type Language } from '../domain/types.ts';

/**
 * What a channel tells a customer by itself, rendered here where the locales are: as the rate
 * limit's reply, in the message's language hint or the default (the conversation's own language
 * is the engine's to know).
 */
export function channelNotices(translator: Translator, defaultLanguage: Language): ChannelNotices {
  return {
    fileRefused(message: InboundMessage, refusal: AttachmentRefusal): OutboundMessage {
      const conversationId = conversationIdOf(message.channel, message.channelUserId);
      const hint = message.localeHint?.slice(0, 2).toLowerCase();
      const language = isLanguage(hint) ? hint : defaultLanguage;
      const maxMb = Math.floor(DEFAULT_ATTACHMENT_LIMITS.maxBytes / (1024 * 1024));
      const reply = { key: `attachment.refused.${refusal}`, params: { maxMb } };
      return {
        deliveryId: `${conversationId}:fileRefused:${message.messageId}`,
        conversationId,
        channel: message.channel,
        channelUserId: message.channelUserId,
        language,
        reply,
        inReplyTo: message.messageId,
        text: translator.render(reply, language).text,
        choices: [],
      };
    },
  };
}
