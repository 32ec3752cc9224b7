import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type {
  ChannelPort,
  InboundMessage,
  OutboundMessage,
  TurnOutcome,
} from '../bot/engine/messages.ts';
import type { AttachmentStore } from '../domain/attachments/index.ts';
import type { ChannelLogs } from '../domain/channel-log/index.ts';
import type { ChannelMarks } from '../domain/channel-marks/index.ts';
import type { Leases, SessionStates } from '../domain/channel-state/ports.ts';
import type { Clock } from '../domain/clock.ts';
import type { ChannelKind, Language } from '../domain/types.ts';
import type { HttpJsonSettings } from './http-json/settings.ts';
import type { TelegramSettings } from './telegram/settings.ts';
import type { WebchatSettings } from './webchat/settings.ts';
import type { WhatsAppSettings } from './whatsapp/settings.ts';

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

/** Each network's own settings, from the app's configuration. */
export interface ChannelSettings {
  readonly httpJson?: Partial<HttpJsonSettings>;
  readonly webchat?: Partial<WebchatSettings>;
  /** Telegram's bot token and Bot API root, webhook and pacing (issue 14). */
  readonly telegram?: TelegramSettings;
  readonly whatsapp?: Partial<WhatsAppSettings>;
}

/**
 * What a network adapter remembers beyond its process (issue 14), in the database: a reply
 * sent (by `deliveryId`, so one the engine resends after a crash goes out once) and a
 * customer who blocked the bot (nothing retried forever; writing again undoes it); and a
 * claim once for good (a question's buttons answer it once).
 */
export type DeliveryMarks = Pick<
  ChannelMarks,
  'check' | 'markSent' | 'markUnreachable' | 'markReachable' | 'claim'
>;

/** The few texts a channel says by itself (help, a refused file), from the locales. */
export interface ChannelTexts {
  /** The text of an i18n key (`namespace:key`) in a language. */
  text(key: string, params: Record<string, string | number>, language: Language): string;
  /** The language of a customer the network gives no usable hint for. */
  readonly defaultLanguage: Language;
  /**
   * R003-2: whether people of the team answer now in `country`, and, when not, the text `key`
   * saying why and when they will (its params: `reason`, `whenKind`, `weekday`, `time`… as the
   * bot's `officeHours.*` texts take them); null when open. For a page a channel serves.
   */
  officeHours?(
    key: string,
    country: string,
    language: Language,
    at: Date,
  ): { open: boolean; notice: string | null };
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
  /** Replies sent and customers unreachable, kept in the database (issue 14). */
  readonly marks: DeliveryMarks;
  /** Texts a channel says by itself, in the customer's language. */
  readonly texts: ChannelTexts;
  /**
   * A network's session kept in the database by scope (a WhatsApp number's credentials and
   * signal keys): a restart, another machine or another process keeps it.
   */
  readonly sessions: SessionStates;
  /** One owner of a network connection at a time across processes (decision 6). */
  readonly leases: Leases;
  /**
   * Ordered logs a network without its own history keeps in the database (a Direct Line
   * conversation's activities): any process serves them, a restart keeps them.
   */
  readonly logs: ChannelLogs;
  /** The app's clock: the `receivedAt` of a message the network does not date. */
  readonly clock: Clock;
  /** The app's logger; log about one conversation through a child with its `conversationId`. */
  readonly logger: FastifyBaseLogger;
  readonly settings?: ChannelSettings;
  /** Conversation addresses kept in the database (for proactive replies). */
  readonly addresses?: ChannelAddresses;
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
  /** The network connection's state, shown on `/healthz` (WhatsApp's socket, a log-out). */
  health?(): ChannelHealth;
}

/** A channel's connection as `/healthz` shows it: `status` first, then what explains it. */
export interface ChannelHealth {
  readonly status: string;
  readonly [detail: string]: unknown;
}

/** Builds a network's adapter; the registry holds one per `ChannelKind`. */
export type ChannelFactory = (context: ChannelContext) => ChannelAdapter;
