import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { DatabaseUnreachable } from '../../bot/engine/errors.ts';
import { conversationIdOf, type OutboundMessage } from '../../bot/engine/messages.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { ChannelAdapter, ChannelContext } from '../channel-adapter.ts';
import { RateLimited } from '../errors.ts';
import { checkId } from '../inbound-ids.ts';
import { CallbackSender } from './callback.ts';
import { chatMessage, parseBodiesAsJson, replyView, wholeNumber } from './chat-body.ts';
import { lockDoors, preflight } from './doors.ts';
import { DEFAULT_HTTP_JSON_SETTINGS, type HttpJsonSettings } from './settings.ts';

const KIND = 'http-json';
/** Versions a poll reads at most (each holds the replies of one turn). */
const MAX_POLL_VERSIONS = 100;
/** Seconds a client is told to wait before it resends a message refused for a database outage. */
const RETRY_AFTER_S = 2;

/**
 * A plain JSON-over-HTTP channel for integrations and for trying the bot with curl:
 * `POST /api/chat {"userId", "messageId", "text" | "choice", "language"?, "seq"?}` answers with
 * the replies of that turn (a message resent after it was answered gets the same replies);
 * `GET /api/chat/:userId/replies?after=<cursor>` answers every reply since the cursor, those
 * of timers and agents too; and replies that no request is waiting for are POSTed to the
 * callback URL when one is configured.
 */
export class HttpJsonChannel implements ChannelAdapter {
  readonly kind = KIND;
  readonly settings: HttpJsonSettings;
  /**
   * Requests waiting for the replies to their message, by user and message id. A reply goes to
   * the request of the message it answers (`inReplyTo`), so two messages of one user in flight
   * at once each get their own. Several requests wait on one key only when a client resends a
   * message before its answer: the first gets the replies as they are delivered, the others
   * are duplicates and read them back from the engine.
   */
  readonly #waiting = new Map<string, OutboundMessage[][]>();
  /** Where the replies go that no request is waiting for; null: polls only. */
  readonly #callback: CallbackSender | null;

  constructor(private readonly context: ChannelContext) {
    this.settings = { ...DEFAULT_HTTP_JSON_SETTINGS, ...context.settings?.httpJson };
    const { callbackUrl, callbackToken } = this.settings;
    this.#callback = callbackUrl
      ? new CallbackSender({ url: callbackUrl, token: callbackToken, logger: context.logger })
      : null;
  }

  /** The callback's counters (null without a callback URL). */
  get callback(): CallbackSender | null {
    return this.#callback;
  }

  async start(): Promise<void> {
    if (this.settings.apiKey === null)
      this.context.logger.warn(
        'THE JSON CHANNEL RUNS OPEN: whoever reaches its port can write as any user and read ' +
          'their replies. Set ATIENDE_API_KEY to require a key, and keep HOST on 127.0.0.1 ' +
          'until then.',
      );
  }

  async stop(): Promise<void> {
    await this.#callback?.stop();
  }

  async deliver(message: OutboundMessage): Promise<void> {
    const request =
      message.inReplyTo === null
        ? undefined
        : this.#waiting.get(waitKey(message.channelUserId, message.inReplyTo))?.[0];
    // A timer's or an agent's reply, or one redelivered after its request is gone: pushed to
    // the callback if there is one; a poll finds it in any case.
    if (request) request.push(message);
    else this.#callback?.push(message);
  }

  /** `POST /api/chat`, `GET /api/chat/:userId/replies`, their preflights, a 405 otherwise. */
  readonly routes = async (app: FastifyInstance): Promise<void> => {
    parseBodiesAsJson(app);
    lockDoors(app, this.settings);
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof RateLimited) return limited(reply, error);
      if (error instanceof ValidationError)
        return reply.code(400).send({ error: error.message, code: error.code });
      if (error.statusCode !== undefined && error.statusCode < 500)
        return reply.code(error.statusCode).send({ error: error.message, code: error.code });
      const { conversationId } = error as { conversationId?: string };
      request.log.error({ err: error, conversationId }, 'chat request failed');
      return reply.code(500).send({ error: 'internal error' });
    });

    app.post('/api/chat', async (request, reply) => {
      const message = chatMessage(request.body, this.context.clock.now());
      const { channelUserId: userId, messageId } = message;
      const conversationId = conversationIdOf(KIND, userId);
      const log = request.log.child({ conversationId });
      const key = waitKey(userId, messageId);
      const collected: OutboundMessage[] = [];
      const queue = this.#waiting.get(key);
      if (queue) queue.push(collected);
      else this.#waiting.set(key, [collected]);
      try {
        const outcome = await this.context.handle(message, { address: request.ip });
        const replies =
          outcome === 'duplicate'
            ? await this.context.replies.answerTo(conversationId, messageId)
            : collected;
        log.debug({ messageId, outcome, replies: replies.length }, 'chat turn');
        // The client left before its answer: what it was to read goes where a push goes.
        if (isGone(reply)) for (const m of collected) this.#callback?.push(m);
        return reply.code(200).send({ outcome, replies: replies.map(replyView) });
      } catch (error) {
        if (error instanceof ValidationError || error instanceof RateLimited) throw error;
        if (error instanceof DatabaseUnreachable) {
          // The turn's version was not stored: the client resends, and is answered once.
          log.error({ err: error, messageId, code: error.code }, 'chat turn refused: database');
          return reply.code(503).header('retry-after', String(RETRY_AFTER_S)).send({
            error: 'the database does not answer: send this message again shortly',
            code: error.code,
          });
        }
        log.error({ err: error }, 'chat request failed');
        return reply.code(500).send({ error: 'internal error' });
      } finally {
        const waiting = this.#waiting.get(key) ?? [];
        waiting.splice(waiting.indexOf(collected), 1);
        if (waiting.length === 0) this.#waiting.delete(key);
      }
    });

    app.get('/api/chat/:userId/replies', async (request, reply) => {
      this.context.admit(KIND, { address: request.ip });
      const userId = checkId('userId', (request.params as { userId?: unknown }).userId);
      const query = request.query as Record<string, unknown>;
      const after = wholeNumber('after', query.after, 0, 0);
      const limit = Math.min(MAX_POLL_VERSIONS, wholeNumber('limit', query.limit, 1, 50));
      const conversationId = conversationIdOf(KIND, userId);
      try {
        const page = await this.context.replies.repliesSince(conversationId, after, limit);
        return reply.send({ replies: page.replies.map(replyView), cursor: page.cursor });
      } catch (error) {
        request.log.error({ err: error, conversationId }, 'reading replies failed');
        return reply.code(500).send({ error: 'internal error' });
      }
    });

    app.options('/api/chat', preflight);
    app.options('/api/chat/:userId/replies', preflight);
    app.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url: '/api/chat',
      handler: async (_request, reply) =>
        reply.code(405).header('allow', 'POST').send({ error: 'use POST with a JSON body' }),
    });
  };
}

/** 429 with `Retry-After`, and the reply that tells the customer to slow down. */
function limited(reply: FastifyReply, error: RateLimited): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(error.retryAfterSeconds))
    .send({
      outcome: 'limited',
      error: 'too many requests: send again later',
      retryAfter: error.retryAfterSeconds,
      replies: error.reply ? [replyView(error.reply)] : [],
    });
}

/** The client closed its connection before the answer. */
function isGone(reply: FastifyReply): boolean {
  return reply.raw.destroyed || reply.raw.socket?.destroyed === true;
}

/** The key of a waiting request: a user's message. */
function waitKey(userId: string, messageId: string): string {
  return JSON.stringify([userId, messageId]);
}
