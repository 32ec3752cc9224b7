import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DIRECT_LINE_USER } from './tokens.ts';

/** Azure Bot Service's Direct Line, as the page reaches it when a secret is configured. */
export interface AzureDirectLine {
  /** The Direct Line v3 API's root (`https://directline.botframework.com/v3/directline`). */
  readonly url: string;
  /** The Direct Line channel's secret: stays on the server, the page gets a token. */
  readonly secret: string;
}

/** Azure's public Direct Line (regional ones are given by URL). */
export const AZURE_DIRECT_LINE_URL = 'https://directline.botframework.com/v3/directline';

/** How long the server waits for Azure to give a token. */
const TOKEN_TIMEOUT_MS = 10_000;

/** What the route needs of the channel: the same limits as atiende's own Direct Line. */
export interface AzureTokenDeps {
  readonly admitRequest: (address: string) => void;
  readonly admitConversation: (address: string) => number;
  readonly logError: (error: unknown) => void;
}

/**
 * `POST /webchat/token`: when the page talks to Azure's Direct Line, the server trades the
 * secret for a token bound to a new visitor id (Azure's `tokens/generate` with a `user`), so the
 * secret never reaches a browser; Web Chat renews the token with Azure itself. The page's
 * limits on new conversations per address apply here as on atiende's own Direct Line.
 */
export function azureTokenRoute(
  app: FastifyInstance,
  azure: AzureDirectLine,
  deps: AzureTokenDeps,
): void {
  app.post('/webchat/token', async (request, reply) => {
    deps.admitRequest(request.ip);
    const wait = deps.admitConversation(request.ip);
    if (wait > 0)
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send({ error: 'too many new conversations from this address' });
    const userId = `${DIRECT_LINE_USER}${randomBytes(16).toString('base64url')}`;
    try {
      const response = await fetch(`${azure.url}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${azure.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: userId } }),
        signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`Direct Line tokens/generate answered ${response.status}`);
      const given = (await response.json()) as Record<string, unknown>;
      if (typeof given.token !== 'string' || typeof given.conversationId !== 'string')
        throw new Error('Direct Line tokens/generate gave no token');
      return reply
        .header('cache-control', 'no-store')
        .send({ token: given.token, conversationId: given.conversationId, userId });
    } catch (error) {
      deps.logError(error);
      return reply
        .code(502)
        .send({ error: 'the chat service is not answering; try again shortly' });
    }
  });
}
