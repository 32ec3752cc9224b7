import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { ChannelPort, InboundMessage, TurnOutcome } from '../bot/engine/messages.ts';
import type { Clock } from '../domain/clock.ts';

/** Hands one customer message to the engine and says how it ended. */
export type HandleInbound = (message: InboundMessage) => Promise<TurnOutcome>;

/** What the app gives a channel when it builds it. */
export interface ChannelContext {
  /** The engine's `handle`, timed by the app for the turn latency histogram. */
  readonly handle: HandleInbound;
  /** The app's clock: the `receivedAt` of a message the network does not date. */
  readonly clock: Clock;
  /** The app's logger; log about one conversation through a child with its `conversationId`. */
  readonly logger: FastifyBaseLogger;
}

/**
 * One network's adapter: it turns the network's events into `InboundMessage`s for `handle` and
 * delivers the engine's replies (the `ChannelPort` the engine is given). Translation only: no
 * business rules, no database.
 */
export interface ChannelAdapter extends ChannelPort {
  /** Connects to the network (a socket, a webhook registration): called once the engine is ready. */
  start(): Promise<void>;
  /** Disconnects: called before the engine stops. */
  stop(): Promise<void>;
  /** The HTTP routes the network calls (webhooks, an API), registered on the app's server. */
  readonly routes?: FastifyPluginAsync;
}

/** Builds a network's adapter; the registry holds one per `ChannelKind`. */
export type ChannelFactory = (context: ChannelContext) => ChannelAdapter;
