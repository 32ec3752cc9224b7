import type { Attachment } from '../../domain/cases/case.ts';
import type { ChannelKind, Language } from '../../domain/types.ts';
import type { Reply } from '../../flows/contract.ts';

/** A customer's message as every channel hands it to the engine. */
export interface InboundMessage {
  channel: ChannelKind;
  /** The customer's id on that network (chat id, phone, web chat user id). */
  channelUserId: string;
  /** The network's id of this message: a redelivery carries the same id and is dropped. */
  messageId: string;
  /**
   * The message's place in its conversation when the network numbers them consecutively
   * (1, 2, 3…): a message that arrives before its predecessor waits for it a bounded time.
   */
  sequence?: number;
  text: string;
  /** The id of a button the customer pressed, when the network has buttons. */
  choice?: string;
  attachments?: Attachment[];
  /** The network's language hint (Telegram's language_code, the browser's language). */
  localeHint?: string | null;
  /** A phone number the network knows (WhatsApp). */
  phone?: string | null;
  displayName?: string | null;
  receivedAt: Date;
}

/** What became of one input: answered, dropped as a redelivery, or ignored. */
export type TurnOutcome = 'answered' | 'duplicate' | 'ignored';

/** A rendered reply, ready for a channel to send. */
export interface OutboundMessage {
  /** Unique per reply (`<conversation>:<version>:<index>`): lets a channel drop a resend. */
  deliveryId: string;
  conversationId: string;
  channel: ChannelKind;
  channelUserId: string;
  language: Language;
  reply: Reply;
  /** The network's id of the message this reply answers; null for a timer's or an agent's. */
  inReplyTo: string | null;
  text: string;
  choices: { id: string; label: string }[];
}

/**
 * What a channel offers the engine: sending to its network. Receiving is the channel calling
 * the engine. The engine is given one port per enabled network and refuses input for any other.
 */
export interface ChannelPort {
  readonly kind: ChannelKind;
  deliver(message: OutboundMessage): Promise<void>;
}

/** Conversation modes (decision 5). */
export type ConversationMode = 'bot' | 'queued' | 'agent' | 'closed';

/** The conversation id of a customer on a channel. */
export function conversationIdOf(channel: ChannelKind, channelUserId: string): string {
  return `${channel}:${channelUserId}`;
}
