import type { InboundMessage, OutboundMessage } from '../../bot/engine/messages.ts';

/** The part of a Bot Framework activity atiende reads and writes (the Activity schema, v3). */
export interface ActivityLike {
  type?: string;
  id?: string;
  timestamp?: string;
  channelId?: string;
  serviceUrl?: string;
  from?: { id?: string; name?: string; role?: string };
  recipient?: { id?: string; name?: string; role?: string };
  conversation?: { id?: string };
  replyToId?: string;
  locale?: string;
  text?: string;
  textFormat?: string;
  value?: unknown;
  attachments?: AttachmentLike[];
  suggestedActions?: { to?: string[]; actions: CardActionLike[] };
  channelData?: unknown;
}

/** A Bot Framework attachment: a file by URL (`contentUrl`) or its content inline. */
export interface AttachmentLike {
  contentType?: string;
  contentUrl?: string;
  content?: unknown;
  name?: string;
}

/** A suggested action (a button). */
export interface CardActionLike {
  type: string;
  title: string;
  value?: unknown;
  text?: string;
  displayText?: string;
}

/**
 * The id of the button a visitor pressed: the `value` of an `imBack`/`postBack` that is a
 * string, or the `choice` of a `messageBack` (what atiende's own buttons send).
 */
export function choiceOf(activity: ActivityLike): string | undefined {
  const { value } = activity;
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'object' && value !== null) {
    const choice = (value as Record<string, unknown>).choice;
    if (typeof choice === 'string' && choice !== '') return choice;
  }
  return undefined;
}

/**
 * A message activity as the customer's message (attachments apart: they are stored first), or
 * null for an activity that carries none (typing, conversationUpdate, an empty message).
 */
export function inboundOf(
  activity: ActivityLike,
  channelUserId: string,
  receivedAt: Date,
): InboundMessage | null {
  if (activity.type !== 'message' || typeof activity.id !== 'string') return null;
  const text = typeof activity.text === 'string' ? activity.text : '';
  const choice = choiceOf(activity);
  const files = activity.attachments?.length ?? 0;
  if (!text && !choice && files === 0) return null;
  return {
    channel: 'webchat',
    channelUserId,
    messageId: activity.id,
    // Lone surrogates become U+FFFD here, as the database would store them.
    text: wellFormed(text),
    choice: choice === undefined ? undefined : wellFormed(choice),
    localeHint: typeof activity.locale === 'string' ? activity.locale : null,
    displayName: typeof activity.from?.name === 'string' ? activity.from.name : null,
    receivedAt,
  };
}

/**
 * A reply as a message activity: its text, and its choices as suggested actions. A button is a
 * `messageBack`: the visitor's transcript shows the label they pressed, atiende gets the id.
 */
export function replyActivity(message: OutboundMessage): ActivityLike {
  const activity: ActivityLike = {
    type: 'message',
    text: message.text,
    textFormat: 'plain',
    locale: message.language,
    ...(message.inReplyTo === null ? {} : { replyToId: message.inReplyTo }),
    channelData: { deliveryId: message.deliveryId, key: message.reply.key },
  };
  if (message.choices.length > 0)
    activity.suggestedActions = {
      actions: message.choices.map((choice) => ({
        type: 'messageBack',
        title: choice.label,
        text: choice.label,
        displayText: choice.label,
        value: { choice: choice.id },
      })),
    };
  return activity;
}

function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}
