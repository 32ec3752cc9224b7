import type { Reply } from '../../../flows/contract.ts';
import type { Translator } from '../../i18n.ts';
import type { OutboundMessage } from '../messages.ts';
import type { ConversationState } from '../state.ts';

/** Renders a reply in a language: the text and the choices' labels (the translator). */
export type Renderer = Pick<Translator, 'render'>;

/** What a version's replies are made from: its outbox and where and how they go. */
export type Answering = Pick<
  ConversationState,
  '_id' | 'conversationId' | 'channel' | 'channelUserId' | 'language' | 'replyTo' | 'outbox'
>;

/**
 * One reply of a version, ready for its channel. Its `deliveryId` (`<version id>:<index>`) is
 * the same however often the version is delivered, so a channel can drop a resend.
 */
export function outboundOf(
  state: Answering,
  index: number,
  reply: Reply,
  rendered: ReturnType<Renderer['render']>,
): OutboundMessage {
  return {
    deliveryId: `${state._id}:${index}`,
    conversationId: state.conversationId,
    channel: state.channel,
    channelUserId: state.channelUserId,
    language: state.language,
    reply,
    inReplyTo: state.replyTo,
    text: rendered.text,
    choices: rendered.choices,
  };
}

/** The replies of a stored version's outbox (delivery recovery). */
export function repliesOf(state: Answering, renderer: Renderer): OutboundMessage[] {
  return state.outbox.map((reply, index) =>
    outboundOf(state, index, reply, renderer.render(reply, state.language)),
  );
}
