import type { Reply } from '../flows/contract.ts';
import type { ConversationEngine } from './engine/engine.ts';

/**
 * What became of a notice: stored in the conversation to be told (its reply goes through the
 * conversation's outbox, delivered and retried like any reply), or no conversation to tell it in.
 */
export type NoticeOutcome = 'told' | 'no-conversation';

/**
 * Tells a customer something outside a turn of theirs (issue 16: how their visit went), on the
 * conversation's own channel and in its language, through the engine's notice turn: the reply
 * is stored with the conversation's version and delivered from its outbox, so a channel down
 * at the moment delays the notice instead of losing it. Told once per `noticeId` (the turn's
 * input key), however often a retried step asks.
 */
export class CustomerNotices {
  constructor(private readonly engine: Pick<ConversationEngine, 'notify'>) {}

  async tell(
    conversationId: string | null,
    noticeId: string,
    reply: Reply,
  ): Promise<NoticeOutcome> {
    if (!conversationId) return 'no-conversation';
    const outcome = await this.engine.notify(conversationId, noticeId, reply);
    return outcome === 'ignored' ? 'no-conversation' : 'told';
  }
}
