import { ConfigurationError } from '../../domain/errors.ts';
import type { ChannelKind } from '../../domain/types.ts';
import { ChannelUnavailable } from './errors.ts';
import type { ChannelPort, OutboundMessage } from './messages.ts';
import type { ConversationState } from './state.ts';
import type { OutboxJournal } from './store/index.ts';

/**
 * Sends a stored version's replies through the port of its network, in order, then settles the
 * version in the outbox journal. One port per enabled network: a conversation of any other
 * network is refused (`ChannelUnavailable`).
 */
export class Delivery {
  readonly #ports: ReadonlyMap<ChannelKind, ChannelPort>;
  readonly #journal: OutboxJournal;
  readonly #stats: { delivered: number };

  /** `ports` from `portsByKind`; `stats.delivered` counts the replies sent (metrics). */
  constructor(
    ports: ReadonlyMap<ChannelKind, ChannelPort>,
    journal: OutboxJournal,
    stats: { delivered: number },
  ) {
    this.#ports = ports;
    this.#journal = journal;
    this.#stats = stats;
  }

  /** The networks delivered to. */
  get kinds(): ChannelKind[] {
    return [...this.#ports.keys()];
  }

  /** The port of a conversation's network, or `ChannelUnavailable` when it is not enabled. */
  portOf(conversationId: string, channel: string): ChannelPort {
    const port = this.#ports.get(channel as ChannelKind);
    if (!port)
      throw new ChannelUnavailable(conversationId, `the ${channel} channel is not enabled`);
    return port;
  }

  /** Sends a version's replies; a failed send leaves it pending, for recovery to resend. */
  async deliver(state: ConversationState, replies: readonly OutboundMessage[]): Promise<void> {
    if (replies.length === 0) return;
    const port = this.portOf(state.conversationId, state.channel);
    for (const message of replies) {
      await port.deliver(message);
      this.#stats.delivered++;
    }
    // The reply is out: its mark need not hold up the turn. A mark that fails leaves the
    // record pending and the recovery sweep resends, which is the safe side.
    void this.#journal.settle(state._id).catch(() => undefined);
  }
}

/** One port per network; two for one network is a wiring mistake. */
export function portsByKind(channels: readonly ChannelPort[]): Map<ChannelKind, ChannelPort> {
  const ports = new Map<ChannelKind, ChannelPort>();
  for (const port of channels) {
    if (ports.has(port.kind))
      throw new ConfigurationError(`two channels deliver to ${JSON.stringify(port.kind)}`);
    ports.set(port.kind, port);
  }
  return ports;
}
