import type { FastifyError, FastifyInstance } from 'fastify';
import { DatabaseUnreachable } from '../../bot/engine/errors.ts';
import { conversationIdOf, type OutboundMessage } from '../../bot/engine/messages.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { ChannelAdapter, ChannelContext } from '../channel-adapter.ts';
import { RateLimited } from '../errors.ts';
import { inboundOf, replyActivity, type ActivityLike } from './activities.ts';
import { storeAttachments, type AttachmentSource } from './attachments.ts';
import { fileRefusedReply } from '../file-refused.ts';
import { BotFrameworkBridge, isAuthenticationError, type BotTurn } from './bot-framework.ts';
import { ConversationLimit } from './conversation-limit.ts';
import { directLineRoutes } from './direct-line-routes.ts';
import { DirectLineStore } from './direct-line-store.ts';
import { azureTokenRoute } from './azure-direct-line.ts';
import { webchatPage } from './page.ts';
import { DEFAULT_WEBCHAT_SETTINGS, type WebchatSettings } from './settings.ts';
import { directLineConversationOf, newTokenKey, TokenSigner } from './tokens.ts';
import type { ChannelLogs } from '../../domain/channel-log/index.ts';

const KIND = 'webchat' as const;
/** The prefix of a message id made from Web Chat's `clientActivityID` (direct-line-routes). */
const CLIENT_ID = 'c:';
/** Seconds a Bot Framework channel is told to wait before it resends after a database outage. */
const RETRY_AFTER_S = 2;

/**
 * The web chat: Microsoft Bot Framework activities on `/api/messages` (Azure Bot Service's Web
 * Chat and Teams, the Emulator), a Direct Line v3-compatible API served by atiende itself (for
 * Microsoft's Web Chat control with no Azure account), and the `/webchat` page. Both ways in
 * become the same `InboundMessage`s; replies go back in the turn that asked, or later through
 * the conversation's kept reference (Bot Framework) or its Direct Line stream.
 */
export class WebchatChannel implements ChannelAdapter {
  readonly kind = KIND;
  readonly settings: WebchatSettings;
  readonly directLine: DirectLineStore;
  readonly #tokens: TokenSigner;
  readonly #bridge: BotFrameworkBridge;
  readonly #newConversations: ConversationLimit;
  /** Bot Framework turns waiting for the replies to their message, by user and message id. */
  readonly #waiting = new Map<string, OutboundMessage[]>();
  /** Where references go when the app gives no store (a channel's unit test). */
  readonly #memoryAddresses = new Map<string, Record<string, unknown>>();

  constructor(private readonly context: ChannelContext) {
    this.settings = { ...DEFAULT_WEBCHAT_SETTINGS, ...context.settings?.webchat };
    this.#tokens = new TokenSigner(this.settings.tokenSecret);
    this.directLine = new DirectLineStore(
      context.logs,
      () => new Date(),
      (error) => context.logger.error({ err: error }, 'web chat: reading a Direct Line log failed'),
      this.settings.streamPollMs,
    );
    this.#bridge = new BotFrameworkBridge(this.settings, context.logger);
    this.#newConversations = new ConversationLimit(
      this.settings.conversationsPerAddress,
      this.settings.conversationWindowHours * 3_600_000,
      () => Date.now(),
    );
  }

  async start(): Promise<void> {
    if (!this.#tokens.ready) {
      this.#tokens.useKey(await sharedTokenKey(this.context.logs, this.context.clock.now()));
      this.context.logger.warn(
        'web chat: no WEBCHAT_TOKEN_SECRET, Direct Line tokens are signed with a key kept in ' +
          'the database (whoever reads it could forge them). Set one outside a trial.',
      );
    }
    if (this.#bridge.anonymous)
      this.context.logger.warn(
        'web chat: no MICROSOFT_APP_ID, /api/messages is anonymous (for the Bot Framework ' +
          'Emulator): it takes activities from this machine only.',
      );
  }

  /** The streams' reads end before the database closes (the stop's order: graceful-stop.ts). */
  async stop(): Promise<void> {
    await this.directLine.close();
  }

  async deliver(message: OutboundMessage): Promise<void> {
    const inTurn =
      message.inReplyTo === null
        ? undefined
        : this.#waiting.get(waitKey(message.channelUserId, message.inReplyTo));
    if (inTurn) {
      inTurn.push(message);
      return;
    }
    const directLine = directLineConversationOf(message.channelUserId);
    if (directLine) {
      await this.directLine.append(directLine, this.#outgoing(message, directLine));
      return;
    }
    const reference = await this.#recall(message.conversationId);
    if (!reference) {
      this.context.logger.warn(
        { conversationId: message.conversationId, deliveryId: message.deliveryId },
        'web chat: no conversation reference, reply not sent',
      );
      return;
    }
    await this.#bridge.sendTo(reference, [replyActivity(message)]);
  }

  readonly routes = async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof RateLimited)
        return reply
          .code(429)
          .header('retry-after', String(error.retryAfterSeconds))
          .send({ error: 'too many requests' });
      if (error instanceof ValidationError) return reply.code(400).send({ error: error.message });
      if (isAuthenticationError(error)) return reply.code(401).send({ error: 'unauthorized' });
      if (error instanceof DatabaseUnreachable)
        return reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_S))
          .send({ error: 'try again shortly' });
      if (error.code === 'FST_REQ_FILE_TOO_LARGE')
        return reply.code(413).send({ error: 'file too large' });
      if (error.statusCode !== undefined && error.statusCode < 500)
        return reply.code(error.statusCode).send({ error: error.message });
      request.log.error({ err: error }, 'web chat request failed');
      return reply.code(500).send({ error: 'internal error' });
    });

    // An empty body is no activity, and a POST without one (a token refresh) is not an error.
    const json = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
      (body as string).trim() === '' ? done(null, undefined) : json(request, body as string, done),
    );

    app.post('/api/messages', async (request, reply) => {
      const body = request.body as ActivityLike | undefined;
      if (typeof body !== 'object' || body === null || typeof body.type !== 'string')
        return reply.code(400).send({ error: 'an activity is required' });
      if (this.#bridge.anonymous && !(isLoopback(request.ip) && isLoopbackUrl(body.serviceUrl)))
        return reply
          .code(403)
          .send({ error: 'anonymous Bot Framework activities only from this machine' });
      const result = await this.#bridge.process(request.headers.authorization ?? '', body, (turn) =>
        this.#botTurn(turn, request.ip),
      );
      return reply.code(result.status).send(result.body ?? '');
    });

    await directLineRoutes(app, {
      store: this.directLine,
      tokens: this.#tokens,
      ttlSeconds: this.settings.tokenTtlSeconds,
      nowSeconds: () => Math.floor(Date.now() / 1000),
      admitConversation: (address) => this.#newConversations.take(address),
      admitRequest: (address) => this.context.admit(KIND, { address }),
      receive: async (claims, activity, address) => {
        const conversationId = claims.conversationId;
        try {
          await this.#receive(activity, claims.userId, address, { mayFetch: () => false });
        } catch (error) {
          if (!(error instanceof RateLimited) || !error.reply) throw error;
          await this.directLine.append(conversationId, this.#outgoing(error.reply, conversationId));
        }
      },
    });

    if (this.settings.azureDirectLine)
      azureTokenRoute(app, this.settings.azureDirectLine, {
        admitRequest: (address) => this.context.admit(KIND, { address }),
        admitConversation: (address) => this.#newConversations.take(address),
        logError: (error) =>
          this.context.logger.error({ err: error }, "web chat: Azure's Direct Line gave no token"),
      });
    webchatPage(app, this.context, this.settings);
  };

  /** One Bot Framework turn: the message to the engine, its replies sent in the same turn. */
  async #botTurn(turn: BotTurn, address: string): Promise<void> {
    const { activity } = turn;
    const channelUserId = `${activity.channelId ?? 'unknown'}:${activity.from?.id ?? ''}`;
    if (activity.type !== 'message' || !activity.from?.id || !activity.id) return;
    const conversationId = conversationIdOf(KIND, channelUserId);
    await this.#remember(conversationId, turn.reference);
    const key = waitKey(channelUserId, activity.id);
    const collected: OutboundMessage[] = [];
    this.#waiting.set(key, collected);
    try {
      const outcome = await this.#receive(activity, channelUserId, address, {
        // Files of an authenticated channel come from it; an anonymous sender's are not fetched.
        mayFetch: () => !this.#bridge.anonymous,
      });
      const replies =
        outcome === 'duplicate'
          ? await this.context.replies.answerTo(conversationId, activity.id)
          : collected;
      if (replies.length > 0) await turn.send(replies.map(replyActivity));
    } catch (error) {
      if (error instanceof RateLimited && error.reply)
        await turn.send([replyActivity(error.reply)]);
      else throw error;
    } finally {
      this.#waiting.delete(key);
    }
  }

  /** An activity as the customer's message, its files stored first; to the engine. */
  async #receive(
    activity: ActivityLike,
    channelUserId: string,
    address: string,
    fetching: Pick<AttachmentSource, 'mayFetch'>,
  ) {
    const message = inboundOf(activity, channelUserId, this.context.clock.now());
    if (!message) return 'ignored' as const;
    const files = activity.attachments ?? [];
    if (files.length > 0) {
      const { stored: attachments, refusal } = await storeAttachments(
        files,
        {
          conversationId: conversationIdOf(KIND, channelUserId),
          messageId: message.messageId,
          at: message.receivedAt,
        },
        { put: this.context.attachments.put, logger: this.context.logger, ...fetching },
      );
      // R001-3: a file not kept is said, once per message, before the turn it may belong to.
      if (refusal) await this.deliver(fileRefusedReply(message, refusal, this.context.texts));
      if (attachments.length > 0) message.attachments = attachments;
      else if (!message.text && !message.choice) return 'ignored' as const;
    }
    return this.context.handle(message, { address });
  }

  /** A reply as a Direct Line activity, pointing at the visitor's activity on screen. */
  #outgoing(message: OutboundMessage, conversationId: string): ActivityLike {
    const activity: ActivityLike = {
      ...replyActivity(message),
      from: { id: 'atiende', name: 'atiende', role: 'bot' },
    };
    const clientId = message.inReplyTo?.startsWith(CLIENT_ID) ? message.inReplyTo.slice(2) : null;
    const shown = clientId && this.directLine.idOfClientActivity(conversationId, clientId);
    if (shown) activity.replyToId = shown;
    else if (clientId) delete activity.replyToId;
    return activity;
  }

  async #remember(conversationId: string, reference: Record<string, unknown>): Promise<void> {
    if (this.context.addresses) await this.context.addresses.remember(conversationId, reference);
    else this.#memoryAddresses.set(conversationId, reference);
  }

  async #recall(conversationId: string): Promise<Record<string, unknown> | null> {
    if (this.context.addresses) return this.context.addresses.recall(conversationId);
    return this.#memoryAddresses.get(conversationId) ?? null;
  }
}

/** Where the token key made when none is configured is kept: its first entry is the key. */
const TOKEN_KEY_LOG = 'webchat.token-key';

/**
 * The token key every process uses when none is configured: the first one written wins (a log's
 * entry 0 is taken by one insert), so two processes starting at once agree.
 */
async function sharedTokenKey(logs: ChannelLogs, now: Date): Promise<Buffer> {
  let [first] = await logs.read(TOKEN_KEY_LOG, 0, 1);
  if (!first) {
    await logs.append(TOKEN_KEY_LOG, { key: newTokenKey() }, now);
    [first] = await logs.read(TOKEN_KEY_LOG, 0, 1);
  }
  const key = first?.entry.key;
  if (typeof key !== 'string') throw new Error('web chat: the stored token key is unreadable');
  return Buffer.from(key, 'base64url');
}

function waitKey(userId: string, messageId: string): string {
  return JSON.stringify([userId, messageId]);
}

/** A client address on this machine. */
function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.');
}

/** A `serviceUrl` on this machine (the Emulator's): anonymous replies go nowhere else. */
function isLoopbackUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    const host = new URL(value).hostname;
    return host === 'localhost' || host === '[::1]' || isLoopback(host);
  } catch {
    return false;
  }
}
