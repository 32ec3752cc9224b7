import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ChannelAdapter } from '../channels/channel-adapter.ts';
import type { Clock } from '../domain/clock.ts';
import type { Health } from './health.ts';

/** The largest request body accepted, in bytes. */
const MAX_BODY = 64 * 1024;
/** The header a request id comes in (from a proxy) and goes back out in. */
const REQUEST_ID_HEADER = 'x-request-id';
/** A request id we take from a client as it is: short, printable, no spaces. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** What a client may hold of the server: time to send a request, connections at once. */
export interface HttpServerLimits {
  /** Time to receive a whole request, headers and body (a slow body is cut: 408). */
  readonly requestTimeoutMs: number;
  /** Connections open at once; more are closed as they arrive. */
  readonly maxConnections: number;
  /** fastify's `trustProxy`: the proxies whose `X-Forwarded-For` names the client. */
  readonly trustProxy?: boolean | string[];
}

/** A request must come in 10 s; a thousand connections at once; no proxy believed. */
export const DEFAULT_HTTP_LIMITS: HttpServerLimits = {
  requestTimeoutMs: 10_000,
  maxConnections: 1_000,
  trustProxy: false,
};

/**
 * The HTTP server: `/healthz`, `/metrics`, and the routes each channel registers. Every request
 * gets an id (the `x-request-id` it came with, or a new one, sent back in the answer) and a
 * pino child logger carrying it (`request.log`). A request must arrive whole within
 * `requestTimeoutMs` (headers within it too), and at most `maxConnections` are open at once.
 */
export async function createHttpServer(options: {
  logger: FastifyBaseLogger;
  channels: readonly ChannelAdapter[];
  metrics: Registry;
  health: () => Promise<Health>;
  clock: Clock;
  limits?: Partial<HttpServerLimits>;
  /** More routes served besides the channels' (the agent console). */
  routes?: readonly ((app: FastifyInstance) => Promise<void>)[];
}): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: MAX_BODY,
    genReqId: requestId,
    requestTimeout: limits.requestTimeoutMs,
    trustProxy: limits.trustProxy ?? false,
    http: {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.requestTimeoutMs,
      // How often node looks for requests past their time (its default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs),
    },
  });
  app.server.maxConnections = limits.maxConnections;
  // A clean stop (issue 17) waits for the requests in flight; their answers close their
  // connections, else a keep-alive connection would hold the stop until the client leaves.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: 'not found' }));
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.statusCode !== undefined && error.statusCode < 500)
      return reply.code(error.statusCode).send({ error: error.message, code: error.code });
    // A conversation's failure names it (`ConversationError`); the request id is on request.log.
    const { conversationId } = error as { conversationId?: string };
    request.log.error({ err: error, conversationId }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });

  app.get('/healthz', async (_request, reply) => {
    const health = await options.health();
    return reply
      .code(health.status === 'ok' ? 200 : 503)
      .send({ ...health, now: options.clock.now().toISOString() });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(options.metrics.contentType).send(await options.metrics.metrics()),
  );
  for (const channel of options.channels) {
    if (channel.routes) await app.register(channel.routes);
  }
  for (const routes of options.routes ?? []) await app.register(routes);
  return app;
}

function requestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}
