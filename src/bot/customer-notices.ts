import type { Reply } from '../flows/contract.ts';
import type { ConversationEngine } from './engine/engine.ts';
import { portsByKind } from './engine/delivery.ts';
import type { ChannelPort } from './engine/messages.ts';
import type { Translator } from './i18n.ts';

/** What became of a notice: told, or why not (no conversation to tell it in, channel down). */
export type NoticeOutcome = 'told' | 'no-conversation' | 'not-delivered';

/**
 * Tells a customer something outside a turn of theirs (issue 16: how their visit went), on the
 * conversation's own channel and in its language. The delivery id is the notice's own
 * (`notice:<id>`), so a channel that drops resends drops a notice told twice. Not an outbox: a
 * notice that fails is reported to the caller (the agent sees the customer was not told).
 */
export class CustomerNotices {
  readonly #ports: ReadonlyMap<string, ChannelPort>;

  constructor(
    private readonly engine: Pick<ConversationEngine, 'state'>,
    ports: readonly ChannelPort[],
    private readonly translator: Translator,
  ) {
    this.#ports = portsByKind(ports);
  }

  async tell(
    conversationId: string | null,
    noticeId: string,
    reply: Reply,
  ): Promise<NoticeOutcome> {
    if (!conversationId) return 'no-conversation';
    const state = await this.engine.state(conversationId);
    if (!state) return 'no-conversation';
    const port = this.#ports.get(state.channel);
    if (!port) return 'not-delivered';
    const rendered = this.translator.render(reply, state.language);
    try {
      await port.deliver({
        deliveryId: `notice:${noticeId}`,
        conversationId,
        channel: state.channel,
        channelUserId: state.channelUserId,
        language: state.language,
        reply,
        inReplyTo: null,
        text: rendered.text,
        choices: rendered.choices,
      });
      return 'told';
    } catch {
      return 'not-delivered';
    }
  }
}
