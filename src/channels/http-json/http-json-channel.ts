import type { FastifyError, FastifyInstance } from 'fastify';
import { DatabaseUnreachable } from '../../bot/engine/errors.ts';
import { conversationIdOf, type OutboundMessage } from '../../bot/engine/messages.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { ChannelAdapter, ChannelContext } from '../channel-adapter.ts';

/** The largest request body accepted, in bytes. */
const MAX_BODY = 64 * 1024;
const KIND = 'http-json';
/** Seconds a client is told to wait before it resends a message refused for a database outage. */
const RETRY_AFTER_S = 2;

/**
 * A plain JSON-over-HTTP channel for integrations and for trying the bot with curl:
 * `POST /api/chat {"userId", "messageId", "text" | "choice", "language"?}` answers with the
 * replies of that turn.
 */
export class HttpJsonChannel implements ChannelAdapter {
  readonly kind = KIND;
  /**
   * Requests waiting for the replies to their message, by user and message id. A reply goes to
   * the request of the message it answers (`inReplyTo`), so two messages of one user in flight
   * at once each get their own. Several requests wait on one key only when a client resends a
   * message before its answer: the first is the one the engine answers, the others are
   * duplicates with no reply.
   */
  readonly #waiting = new Map<string, OutboundMessage[][]>();

  constructor(private readonly context: ChannelContext) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async deliver(message: OutboundMessage): Promise<void> {
    // A timer's or an agent's reply answers no request: plain HTTP cannot push it.
    if (message.inReplyTo === null) return;
    this.#waiting.get(waitKey(message.channelUserId, message.inReplyTo))?.[0]?.push(message);
  }

  /** `POST /api/chat`, and a 405 for any other method there. */
  readonly routes = async (app: FastifyInstance): Promise<void> => {
    // Whatever the content type (curl sends a form type by default), the body is JSON, parsed
    // by fastify's own parser (it refuses prototype poisoning).
    app.removeAllContentTypeParsers();
    const json = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY }, (req, body, done) =>
      json(req, body as string, (error, value) =>
        error ? done(new ValidationError('the body must be a JSON object')) : done(null, value),
      ),
    );
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof ValidationError)
        return reply.code(400).send({ error: error.message, code: error.code });
      if (error.statusCode !== undefined && error.statusCode < 500)
        return reply.code(error.statusCode).send({ error: error.message, code: error.code });
      request.log.error({ err: error }, 'chat request failed');
      return reply.code(500).send({ error: 'internal error' });
    });

    app.post('/api/chat', async (request, reply) => {
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new ValidationError('the body must be a JSON object');
      const fields = body as Record<string, unknown>;
      const userId = field(fields, 'userId');
      const conversationId = conversationIdOf(KIND, userId);
      const log = request.log.child({ conversationId });
      const messageId = field(fields, 'messageId');
      const text = typeof fields.text === 'string' ? fields.text : '';
      const choice = typeof fields.choice === 'string' ? fields.choice : undefined;
      if (!text && !choice) throw new ValidationError('give "text" or "choice"');

      const key = waitKey(userId, messageId);
      const collected: OutboundMessage[] = [];
      const queue = this.#waiting.get(key);
      if (queue) queue.push(collected);
      else this.#waiting.set(key, [collected]);
      try {
        const outcome = await this.context.handle({
          channel: KIND,
          channelUserId: userId,
          messageId,
          text,
          choice,
          localeHint: typeof fields.language === 'string' ? fields.language : null,
          receivedAt: this.context.clock.now(),
        });
        log.debug({ messageId, outcome, replies: collected.length }, 'chat turn');
        return reply.code(200).send({
          outcome,
          replies: collected.map((m) => ({
            deliveryId: m.deliveryId,
            key: m.reply.key,
            text: m.text,
            choices: m.choices,
          })),
        });
      } catch (error) {
        if (error instanceof ValidationError) throw error;
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

    app.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url: '/api/chat',
      handler: async (_request, reply) =>
        reply.code(405).header('allow', 'POST').send({ error: 'use POST with a JSON body' }),
    });
  };
}

/** The key of a waiting request: a user's message. */
function waitKey(userId: string, messageId: string): string {
  return JSON.stringify([userId, messageId]);
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(`"${name}" must be a non-empty string`);
  return value;
}
