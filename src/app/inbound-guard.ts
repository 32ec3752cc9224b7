import {
  conversationIdOf,
  type InboundMessage,
  type OutboundMessage,
} from '../bot/engine/messages.ts';
import type { Translator } from '../bot/i18n.ts';
import type { HandleInbound, InboundOrigin } from '../channels/channel-adapter.ts';
import { RateLimited, type RateLimitKind } from '../channels/errors.ts';
import { checkId } from '../channels/inbound-ids.ts';
import { ValidationError } from '../domain/errors.ts';
import { isLanguage, type ChannelKind, type Language } from '../domain/types.ts';
import { TokenBuckets, type RateLimits } from './rate-limit.ts';

/** The i18n key of the reply to a message over the rate limit. */
export const RATE_LIMITED_KEY = 'rateLimit.slowDown';

/** The door every channel's messages go through before the engine. */
export interface InboundGuard {
  /** Checks a message's ids and the rate limits, then hands it to the engine. */
  readonly handle: HandleInbound;
  /** Counts a request without a message (a poll) against its address's limit. */
  readonly admit: (channel: ChannelKind, origin: InboundOrigin) => void;
}

/**
 * Guards the engine's `handle` for every channel at once: ids that are not clean text are
 * refused (`ValidationError`), and, with `limits`, a message over its user's or its address's
 * rate is refused before anything is stored (`RateLimited`, carrying the reply that tells the
 * customer, in their language, to slow down; the client may send the message again later).
 * `onLimited` counts refusals (the metric).
 */
export function guardInbound(options: {
  handle: HandleInbound;
  limits: RateLimits | null;
  translator: Translator;
  defaultLanguage: Language;
  onLimited: (channel: ChannelKind, kind: RateLimitKind) => void;
}): InboundGuard {
  const { limits } = options;
  const users = limits && new TokenBuckets(limits.user, limits.tracked);
  const addresses = limits && new TokenBuckets(limits.address, limits.tracked);

  /** Milliseconds the address must wait (0: admitted). */
  const addressWait = (origin: InboundOrigin | undefined) =>
    addresses && origin?.address ? addresses.take(origin.address) : 0;

  const refusal = (message: InboundMessage, kind: RateLimitKind, waitMs: number) => {
    options.onLimited(message.channel, kind);
    const conversationId = conversationIdOf(message.channel, message.channelUserId);
    const hint = message.localeHint?.slice(0, 2).toLowerCase();
    const language = isLanguage(hint) ? hint : options.defaultLanguage;
    const rendered = options.translator.render({ key: RATE_LIMITED_KEY }, language);
    const reply: OutboundMessage = {
      deliveryId: `${conversationId}:limited:${message.messageId}`,
      conversationId,
      channel: message.channel,
      channelUserId: message.channelUserId,
      language,
      reply: { key: RATE_LIMITED_KEY },
      inReplyTo: message.messageId,
      text: rendered.text,
      choices: [],
    };
    return new RateLimited(kind, waitMs, reply);
  };

  return {
    async handle(message, origin) {
      if (!message || typeof message !== 'object')
        throw new ValidationError('an inbound message must be an object');
      checkId('userId', message.channelUserId);
      checkId('messageId', message.messageId);
      const byAddress = addressWait(origin);
      if (byAddress > 0) throw refusal(message, 'address', byAddress);
      const conversationId = conversationIdOf(message.channel, message.channelUserId);
      const byUser = users ? users.take(conversationId) : 0;
      if (byUser > 0) throw refusal(message, 'user', byUser);
      return options.handle(message, origin);
    },
    admit(channel, origin) {
      const wait = addressWait(origin);
      if (wait === 0) return;
      options.onLimited(channel, 'address');
      throw new RateLimited('address', wait, null);
    },
  };
}
