import type { InboundMessage, OutboundMessage, TurnOutcome } from '../../bot/engine/messages.ts';
import type { ChannelKind } from '../../domain/types.ts';
import type { ChannelAdapter, HandleInbound } from '../channel-adapter.ts';
import { RateLimited } from '../errors.ts';

/**
 * A channel inside the process: for the terminal chat, tests and the benchmark. It hands
 * messages to the engine and keeps what the engine delivers, dropping a resent delivery id
 * (as a network with idempotent sends would).
 */
export class InProcessChannel implements ChannelAdapter {
  readonly delivered: OutboundMessage[] = [];
  readonly #seen = new Set<string>();
  readonly #listeners = new Set<(message: OutboundMessage) => void>();
  resent = 0;

  constructor(
    readonly kind: ChannelKind = 'terminal',
    /** Where `receive` hands messages: the app's timed `engine.handle`. */
    private readonly handle?: HandleInbound,
  ) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async deliver(message: OutboundMessage): Promise<void> {
    if (this.#seen.has(message.deliveryId)) {
      this.resent++;
      return;
    }
    this.#seen.add(message.deliveryId);
    this.delivered.push(message);
    for (const listener of this.#listeners) listener(message);
  }

  /**
   * A customer's message arrives: handed to the engine; resolves once the turn is done. Over
   * the rate limit, the customer is told so (delivered here) and `RateLimited` is thrown.
   */
  async receive(message: InboundMessage): Promise<TurnOutcome> {
    if (!this.handle) throw new Error('this in-process channel was built without an engine');
    try {
      return await this.handle(message);
    } catch (error) {
      if (error instanceof RateLimited && error.reply) await this.deliver(error.reply);
      throw error;
    }
  }

  /**
   * Calls `listener` for every message delivered from now on, or only for those to
   * `channelUserId` when given (a terminal shows its own customer's conversation, not the
   * replies timers and recovery send to others on the same database); returns an unsubscribe.
   */
  onMessage(listener: (message: OutboundMessage) => void, channelUserId?: string): () => void {
    const filtered =
      channelUserId === undefined
        ? listener
        : (message: OutboundMessage) => {
            if (message.channelUserId === channelUserId) listener(message);
          };
    this.#listeners.add(filtered);
    return () => this.#listeners.delete(filtered);
  }

  /** The replies delivered to one user, in order. */
  to(channelUserId: string): OutboundMessage[] {
    return this.delivered.filter((m) => m.channelUserId === channelUserId);
  }

  /** Builds an inbound message of this channel. */
  inbound(
    channelUserId: string,
    messageId: string,
    text: string,
    extra: Partial<InboundMessage> = {},
  ): InboundMessage {
    return { channel: this.kind, channelUserId, messageId, text, receivedAt: new Date(), ...extra };
  }
}
