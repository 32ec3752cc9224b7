import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpJsonSettings } from './settings.ts';

/** Headers a browser page on an allowed origin may send (a preflight asks for them). */
const ALLOWED_HEADERS = 'content-type, authorization, x-api-key, x-request-id';

/**
 * The JSON channel's locks, as a hook on its routes: a request from a web page of another site
 * is refused (403) unless its origin is allowed, so that a page a customer visits cannot post
 * in their name (a `text/plain` POST needs no preflight); and, when an API key is configured,
 * a request without it is refused (401, without saying why). Tools that are not browsers
 * (curl, an integration's server) send no `Origin` and pass the first lock.
 */
export function lockDoors(app: FastifyInstance, settings: HttpJsonSettings): void {
  const allowed = new Set(settings.allowedOrigins);
  const key = settings.apiKey === null ? null : digest(settings.apiKey);

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (isCrossSite(request, allowed)) return reply.code(403).send({ error: 'forbidden' });
    if (origin !== undefined && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'origin');
    }
    // A preflight carries no credentials: it is answered by its route, the request after it
    // must carry the key.
    if (request.method === 'OPTIONS' || key === null) return;
    if (!timingSafeEqual(digest(presentedKey(request)), key)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    }
  });
}

/** Answers a CORS preflight of an allowed origin (the hook refused the others). */
export async function preflight(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.headers.origin === undefined) return reply.code(204).send();
  return reply
    .code(204)
    .header('access-control-allow-methods', 'GET, POST')
    .header('access-control-allow-headers', ALLOWED_HEADERS)
    .header('access-control-max-age', '600')
    .send();
}

/**
 * A browser request made by a page of another site: its `Origin` is neither this server nor an
 * allowed one, or, without an `Origin`, the browser says it is cross-site (`Sec-Fetch-Site`).
 * The origin's host is compared, not its scheme: behind a proxy that ends TLS the server sees
 * plain HTTP for a page on `https://`.
 */
function isCrossSite(request: FastifyRequest, allowed: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return !allowed.has(origin) && hostOf(origin) !== request.host;
  const site = request.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null; // "null" (a sandboxed frame, a file) or garbage: never this server
  }
}

/** The key a request presents: `Authorization: Bearer <key>`, else `x-api-key`. */
function presentedKey(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && /^bearer /i.test(authorization))
    return authorization.slice(7).trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header : '';
}

/** Keys are compared by their SHA-256 in constant time: equal lengths, no early exit. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
