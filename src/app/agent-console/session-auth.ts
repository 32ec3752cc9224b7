/**
 * The console's session cookie and CSRF check. The cookie carries a random token (HttpOnly,
 * SameSite=Strict, Path=/agent, Secure when the request came over https); the database keeps
 * only its hash. Every state-changing request must also carry the session's CSRF token in the
 * `x-csrf-token` header, and a browser's `Origin`, when sent, must be this server's.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AgentAccess, AgentSession } from '../../domain/agents/agent-access.ts';

export const SESSION_COOKIE = 'atiende_agent';

/** The value of one cookie of a request, or null. */
export function cookieOf(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/**
 * The `Set-Cookie` value of a session (or of its removal, with `token` null). Its lifetime is
 * relative (`Max-Age`): the business clock may be simulated, the browser's is not.
 */
export function sessionCookie(
  request: FastifyRequest,
  token: string | null,
  maxAgeSeconds?: number,
): string {
  const parts = [`${SESSION_COOKIE}=${token ?? ''}`, 'Path=/agent', 'HttpOnly', 'SameSite=Strict'];
  if (request.protocol === 'https') parts.push('Secure');
  if (token === null) parts.push('Max-Age=0');
  else if (maxAgeSeconds !== undefined)
    parts.push(`Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`);
  return parts.join('; ');
}

/** Whether a browser request comes from a page of this server (no `Origin`: not a browser's form). */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return request.headers['sec-fetch-site'] !== 'cross-site';
  try {
    // `request.host`: the Host header, or X-Forwarded-Host from a trusted proxy (HTTP_TRUST_PROXY).
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The request's session, or the answer already sent (401 without one; 403 for a
 * state-changing request without its CSRF token or from another site).
 */
export async function authenticate(
  access: AgentAccess,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<AgentSession | null> {
  const token = cookieOf(request, SESSION_COOKIE);
  const session = token ? await access.session(token) : null;
  if (!session) {
    await reply.code(401).send({ error: 'log in first', code: 'UNAUTHENTICATED' });
    return null;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const given = request.headers['x-csrf-token'];
    if (typeof given !== 'string' || !equal(given, session.csrf) || !sameOrigin(request)) {
      await reply.code(403).send({ error: 'missing or wrong CSRF token', code: 'CSRF' });
      return null;
    }
  }
  return session;
}
