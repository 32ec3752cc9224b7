import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { TelegramUpdate } from './updates.ts';

/** The header Telegram sends the webhook's `secret_token` in. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * The webhook route on atiende's HTTP server (issue 14): `POST <path of the webhook URL>`. An
 * update without the secret Telegram was given, or with another, is refused with 401 before its
 * body is read, and changes nothing. An update is answered once its turn is done: a turn that
 * failed answers 500, and Telegram delivers the update again (the engine answers it once).
 */
export function webhookRoutes(
  url: string,
  secret: string,
  receive: (update: TelegramUpdate) => Promise<void>,
): FastifyPluginAsync {
  const path = new URL(url).pathname;
  const expected = digest(secret);
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request, reply) => {
      const presented = request.headers[SECRET_HEADER];
      if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), expected))
        return reply.code(401).send({ error: 'unauthorized' });
    });
    app.post(path, async (request, reply) => {
      const update = request.body as TelegramUpdate | null;
      if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number')
        return reply.code(400).send({ error: 'not a Telegram update' });
      await receive(update);
      return reply.code(200).send({});
    });
  };
}

/** Secrets are compared by their SHA-256 in constant time. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
