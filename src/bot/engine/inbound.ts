import { ValidationError } from '../../domain/errors.ts';
import { sanitiseText } from '../../domain/text.ts';
import { CHANNEL_KINDS } from '../../domain/types.ts';
import type { InboundMessage } from './messages.ts';

/** The longest id a network may give (hostile input must not grow state without bound). */
const MAX_ID = 256;

/** A channel's message checked and cleaned, or `ValidationError` before anything is stored. */
export function validateInbound(message: InboundMessage): InboundMessage {
  if (!message || typeof message !== 'object')
    throw new ValidationError('an inbound message must be an object');
  if (!(CHANNEL_KINDS as readonly string[]).includes(message.channel)) {
    throw new ValidationError(`unknown channel ${JSON.stringify(message.channel)}`);
  }
  for (const field of ['channelUserId', 'messageId'] as const) {
    const value = message[field];
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID) {
      throw new ValidationError(
        `${field} must be a non-empty string of at most ${MAX_ID} characters`,
      );
    }
  }
  if (typeof message.text !== 'string') throw new ValidationError('text must be a string');
  if (
    message.sequence !== undefined &&
    (!Number.isSafeInteger(message.sequence) || message.sequence < 1)
  ) {
    throw new ValidationError('sequence must be a whole number from 1 up');
  }
  return {
    ...message,
    text: sanitiseText(message.text),
    choice: typeof message.choice === 'string' ? message.choice.slice(0, MAX_ID) : undefined,
  };
}

/** The network of a conversation, from its id (`<channel>:<user>`). */
export function channelOfConversation(conversationId: string): string {
  return conversationId.slice(0, Math.max(0, conversationId.indexOf(':')));
}
