import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type {
  ChannelPort,
  InboundMessage,
  OutboundMessage,
  TurnOutcome,
} from '../bot/engine/messages.ts';
import type { AttachmentStore } from '../domain/attachments/index.ts';
import type { Clock } from '../domain/clock.ts';
import type { ChannelKind, Language } from '../domain/types.ts';
import type { HttpJsonSettings } from './http-json/settings.ts';
import type { WebchatSettings } from './webchat/settings.ts';

/** Where a message came from, as the network's transport tells: for the per-address limit. */
export interface InboundOrigin {
  /** The client's address (an IP, after the trusted proxies). */
  readonly address?: string;
}

/**
 * Hands one customer message to the engine and says how it ended. Refuses, before anything is
 * stored, a message whose ids are not clean text (`ValidationError`) and one over the rate
 * limits (`RateLimited`, after its reply went out through the channel's `deliver`).
 */
export type HandleInbound = (
  message: InboundMessage,
  origin?: InboundOrigin,
) => Promise<TurnOutcome>;

/** The engine's reads a channel serves its network: for a client that resends or polls. */
export interface ConversationReplies {
  /** The replies that answered a message (same `deliveryId`s); empty if not answered (yet). */
  answerTo(conversationId: string, messageId: string): Promise<OutboundMessage[]>;
  /** Every reply after version `after` (the cursor), timers' and agents' too. */
  repliesSince(
    conversationId: string,
    after: number,
    limit?: number,
  ): Promise<{ replies: OutboundMessage[]; cursor: number }>;
}

/**
 * Where a channel keeps how to reach a conversation later (a Bot Framework conversation
 * reference), for the replies no request waits for: channels have no database.
 */
export interface ChannelAddresses {
  remember(conversationId: string, address: Record<string, unknown>): Promise<void>;
  recall(conversationId: string): Promise<Record<string, unknown> | null>;
}

/** Customer-facing words a channel shows outside a conversation (a web page), from the locales. */
export interface ChannelTexts {
  /** The language of a hint (`pt-BR`, a browser's list) when atiende speaks it, else the default. */
  language(hint: string | null | undefined): Language;
  /** A text of `locales/<lang>/<namespace>.json` (`webchat:title`). */
  text(key: string, language: Language, params?: Record<string, string | number>): string;
  /**
   * R003-2: whether people of the team answer now in `country`, and, when not, the text `key`
   * saying why and when they will (its params: `reason`, `whenKind`, `weekday`, `time`… as the
   * bot's `officeHours.*` texts take them); null when open.
   */
  officeHours(
    key: string,
    country: string,
    language: Language,
    at: Date,
  ): { open: boolean; notice: string | null };
}

/** Each network's own settings, from the app's configuration. */
export interface ChannelSettings {
  readonly httpJson?: Partial<HttpJsonSettings>;
  readonly webchat?: Partial<WebchatSettings>;
}

/** What the app gives a channel when it builds it. */
export interface ChannelContext {
  /** The engine's `handle`, behind the rate limits and timed for the turn latency histogram. */
  readonly handle: HandleInbound;
  /** The replies of a conversation, for a resent message and for polling. */
  readonly replies: ConversationReplies;
  /**
   * Counts a request that carries no message (a poll) against its address's limit; throws
   * `RateLimited` when over it.
   */
  readonly admit: (channel: ChannelKind, origin: InboundOrigin) => void;
  /**
   * Keeps a file a customer sent in the database (R001-3), within the limits, and gives the
   * attachment to put on the `InboundMessage`; never on the process's disk.
   */
  readonly attachments: Pick<AttachmentStore, 'put'>;
  /** The app's clock: the `receivedAt` of a message the network does not date. */
  readonly clock: Clock;
  /** The app's logger; log about one conversation through a child with its `conversationId`. */
  readonly logger: FastifyBaseLogger;
  readonly settings?: ChannelSettings;
  /** Conversation addresses kept in the database (for proactive replies). */
  readonly addresses?: ChannelAddresses;
  /** Words for pages a channel serves. */
  readonly texts?: ChannelTexts;
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
