import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_ATTACHMENT_LIMITS } from '../../domain/attachments/index.ts';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ActivityLike } from './activities.ts';
import type { DirectLineStore } from './direct-line-store.ts';
import { newVisitor, type TokenClaims, type TokenSigner } from './tokens.ts';

/** How long a stream has to answer "going away" at a stop before it is cut. */
const GOING_AWAY_GRACE_MS = 500;

/** Where the Direct Line v3 API is served (Web Chat's `domain`). */
export const DIRECT_LINE_PATH = '/v3/directline';

/** An upload's parts: the activity (Direct Line's `activity` part) and its files. */
async function readUpload(request: FastifyRequest): Promise<{
  activity: ActivityLike;
  files: { name: string; contentType: string; bytes: Buffer }[];
}> {
  let activity: ActivityLike = { type: 'message' };
  const files: { name: string; contentType: string; bytes: Buffer }[] = [];
  for await (const part of request.parts()) {
    if (part.type !== 'file') continue;
    const bytes = await part.toBuffer();
    if (part.fieldname === 'activity') {
      const parsed: unknown = JSON.parse(bytes.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null) activity = parsed as ActivityLike;
    } else
      files.push({
        name: part.filename || 'file',
        contentType: part.mimetype || 'application/octet-stream',
        bytes,
      });
  }
  return { activity, files };
}

/**
 * The message id the engine gets: Web Chat's `clientActivityID` when it sends one (the same on a
 * retry after a failed send, so the engine drops the repeat), else the id given here.
 */
function messageIdOf(activity: ActivityLike, stored: string | null): string | undefined {
  const client = (activity.channelData as { clientActivityID?: unknown } | undefined)
    ?.clientActivityID;
  return typeof client === 'string' && client !== '' ? `c:${client}` : (stored ?? undefined);
}

/** What the Direct Line routes need of the channel. */
export interface DirectLineDeps {
  readonly store: DirectLineStore;
  readonly tokens: TokenSigner;
  readonly ttlSeconds: number;
  readonly nowSeconds: () => number;
  /** Counts a new conversation for an address: 0 admitted, else seconds to wait. */
  readonly admitConversation: (address: string) => number;
  /** Counts a request without a message against the address's rate (throws `RateLimited`). */
  readonly admitRequest: (address: string) => void;
  /** A visitor's activity, echoed already: handed to the engine. */
  readonly receive: (claims: TokenClaims, activity: ActivityLike, address: string) => Promise<void>;
}

/**
 * A Direct Line v3-compatible API, so that Microsoft's Web Chat control and
 * `botframework-directlinejs` talk to atiende with no Azure account: tokens (generate,
 * refresh), start and resume a conversation, post an activity, and read them by polling (with
 * a watermark) or by WebSocket (`streamUrl`). Every call but `tokens/generate` needs a token,
 * and a token speaks for its own user in its own conversation only (401 without a valid one,
 * 403 for another conversation). Bearer tokens, never cookies: any site may call it (CORS `*`),
 * and none can act for a visitor whose token it does not hold.
 */
export async function directLineRoutes(app: FastifyInstance, deps: DirectLineDeps): Promise<void> {
  // Uploads (Web Chat's attachments): the attachment limit per file, a few files at once.
  await app.register(multipart, {
    limits: { fileSize: DEFAULT_ATTACHMENT_LIMITS.maxBytes, files: 6, fields: 4, parts: 8 },
  });
  const { store, tokens } = deps;
  const issue = (claims: Omit<TokenClaims, 'exp'>) => {
    const token = tokens.sign({ ...claims, exp: deps.nowSeconds() + deps.ttlSeconds });
    return { token, expires_in: deps.ttlSeconds };
  };
  const streamUrl = (request: FastifyRequest, conversationId: string, token: string) => {
    const scheme = request.protocol === 'https' ? 'wss' : 'ws';
    const query = new URLSearchParams({ t: token });
    const watermark = (request.query as Record<string, unknown>).watermark;
    if (typeof watermark === 'string' && /^\d{1,9}$/.test(watermark))
      query.set('watermark', watermark);
    return `${scheme}://${request.host}${DIRECT_LINE_PATH}/conversations/${encodeURIComponent(conversationId)}/stream?${query}`;
  };
  /** The token's claims, or the 401/403 already sent (null). */
  const authorize = (request: FastifyRequest, reply: FastifyReply): TokenClaims | null => {
    const header = request.headers.authorization;
    const token =
      typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : null;
    const claims = tokens.verify(token, deps.nowSeconds());
    if (typeof claims === 'string') {
      // directlinejs takes 403 as "token expired: renew it".
      const code = claims === 'expired' ? 403 : 401;
      void reply
        .code(code)
        .header('www-authenticate', 'Bearer')
        .send({ error: { code: 'Unauthorized', message: `token ${claims}` } });
      return null;
    }
    const id = (request.params as { id?: string }).id;
    if (id !== undefined && id !== claims.conversationId) {
      void reply
        .code(403)
        .send({ error: { code: 'Forbidden', message: 'token is for another conversation' } });
      return null;
    }
    return claims;
  };

  app.addHook('onRequest', async (_request, reply) => {
    reply
      .header('access-control-allow-origin', '*')
      .header(
        'access-control-allow-headers',
        'authorization, content-type, x-ms-bot-agent, x-requested-with',
      )
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-max-age', '600');
  });
  app.options(`${DIRECT_LINE_PATH}/*`, async (_request, reply) => reply.code(204).send());

  app.post(`${DIRECT_LINE_PATH}/tokens/generate`, async (request, reply) => {
    deps.admitRequest(request.ip);
    const wait = deps.admitConversation(request.ip);
    if (wait > 0)
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send({
          error: {
            code: 'TooManyRequests',
            message: 'too many new conversations from this address',
          },
        });
    const { conversationId, userId } = newVisitor();
    return reply.send({ conversationId, userId, ...issue({ conversationId, userId }) });
  });

  app.post(`${DIRECT_LINE_PATH}/tokens/refresh`, async (request, reply) => {
    const claims = authorize(request, reply);
    if (!claims) return reply;
    const { conversationId, userId } = claims;
    return reply.send({ conversationId, ...issue({ conversationId, userId }) });
  });

  const conversation = async (request: FastifyRequest, reply: FastifyReply) => {
    const claims = authorize(request, reply);
    if (!claims) return reply;
    deps.admitRequest(request.ip);
    const { conversationId, userId } = claims;
    const fresh = issue({ conversationId, userId });
    return reply.code(request.method === 'POST' ? 201 : 200).send({
      conversationId,
      ...fresh,
      streamUrl: streamUrl(request, conversationId, fresh.token),
      referenceGrammarId: '',
    });
  };
  app.post(`${DIRECT_LINE_PATH}/conversations`, conversation);
  app.get(`${DIRECT_LINE_PATH}/conversations/:id`, conversation);

  app.get(`${DIRECT_LINE_PATH}/conversations/:id/activities`, async (request, reply) => {
    const claims = authorize(request, reply);
    if (!claims) return reply;
    deps.admitRequest(request.ip);
    const watermark = Number((request.query as Record<string, unknown>).watermark) || 0;
    return reply.send(await store.since(claims.conversationId, Math.max(0, Math.floor(watermark))));
  });

  app.post(`${DIRECT_LINE_PATH}/conversations/:id/upload`, async (request, reply) => {
    const claims = authorize(request, reply);
    if (!claims) return reply;
    if (!request.isMultipart())
      return reply
        .code(415)
        .send({ error: { code: 'BadArgument', message: 'multipart/form-data' } });
    const upload = await readUpload(request);
    // The screen shows the files' names; their bytes go to the engine, not into the echo.
    const activity: ActivityLike = {
      ...upload.activity,
      type: 'message',
      from: { id: claims.userId, name: upload.activity.from?.name, role: 'user' },
      recipient: undefined,
      serviceUrl: undefined,
      attachments: upload.files.map((f) => ({ name: f.name, contentType: f.contentType })),
    };
    const id = await store.append(claims.conversationId, activity);
    const attachments = upload.files.map((f) => ({
      name: f.name,
      contentType: f.contentType,
      contentUrl: `data:${f.contentType};base64,${f.bytes.toString('base64')}`,
    }));
    await deps.receive(
      claims,
      { ...activity, id: messageIdOf(activity, id), attachments },
      request.ip,
    );
    return reply.send({ id });
  });

  app.post(`${DIRECT_LINE_PATH}/conversations/:id/activities`, async (request, reply) => {
    const claims = authorize(request, reply);
    if (!claims) return reply;
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return reply
        .code(400)
        .send({ error: { code: 'BadArgument', message: 'an activity object is required' } });
    const given = body as ActivityLike;
    // The visitor is who the token says, whatever `from` claims.
    const activity: ActivityLike = {
      ...given,
      from: { id: claims.userId, name: given.from?.name, role: 'user' },
      recipient: undefined,
      serviceUrl: undefined,
    };
    const id = await store.append(claims.conversationId, activity);
    await deps.receive(claims, { ...activity, id: messageIdOf(activity, id) }, request.ip);
    return reply.send({ id });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const streamPath = new RegExp(`^${DIRECT_LINE_PATH}/conversations/([^/?]+)/stream$`);
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = streamPath.exec(url.pathname);
    if (!match) return;
    const claims = tokens.verify(url.searchParams.get('t'), deps.nowSeconds());
    const conversationId = decodeURIComponent(match[1]!);
    if (typeof claims === 'string' || claims.conversationId !== conversationId) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => stream(ws, claims, url));
  };
  const stream = (ws: WebSocket, claims: TokenClaims, url: URL) => {
    const send = (activities: ActivityLike[], watermark: string) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ activities, watermark }));
    };
    const start = Number(url.searchParams.get('watermark')) || 0;
    const stop = store.listen(claims.conversationId, Math.max(0, Math.floor(start)), send);
    const ping = setInterval(() => ws.ping(), 30_000);
    ws.on('close', () => {
      clearInterval(ping);
      stop();
    });
    ws.on('error', () => ws.terminate());
    // Clients send "" as a keep-alive; nothing a client sends on the stream is read.
  };
  app.server.on('upgrade', onUpgrade);
  // Before the server closes, not after: it waits for every connection, the upgraded ones too,
  // so a stream left open held a stop (SIGTERM) until its deadline. "Going away" tells Web
  // Chat to reconnect (to another process); one that does not answer within the grace is cut.
  app.addHook('preClose', async () => {
    app.server.off('upgrade', onUpgrade);
    await Promise.all(
      [...sockets.clients].map(
        (client) =>
          new Promise<void>((resolve) => {
            const cut = setTimeout(() => client.terminate(), GOING_AWAY_GRACE_MS);
            client.once('close', () => {
              clearTimeout(cut);
              resolve();
            });
            client.close(1001, 'server stopping');
          }),
      ),
    );
    sockets.close();
  });
}
