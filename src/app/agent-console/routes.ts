/**
 * The agent console over HTTP (issue 15): `/agent` (a plain page and a small ES module, no
 * build step, no CDN; a Content-Security-Policy without inline scripts) and its JSON API under
 * `/agent/api`: log-in and log-out, the queue, a conversation, the actions, the live feed
 * (server-sent events) and the page's texts from `locales/<lang>/console.json`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentDesk, DeskResult } from '../../bot/agent-desk/index.ts';
import {
  SESSION_HOURS,
  type AgentAccess,
  type AgentSession,
} from '../../domain/agents/agent-access.ts';
import type { MailOutbox } from '../../domain/mail/index.ts';
import type { LoginTries } from '../../domain/agents/login-tries.ts';
import { LANGUAGES, isLanguage } from '../../domain/types.ts';
import { streamEvents } from './events-stream.ts';
import {
  SESSION_COOKIE,
  authenticate,
  cookieOf,
  sameOrigin,
  sessionCookie,
} from './session-auth.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const LOCALES = join(HERE, '..', '..', '..', 'locales');

/** Scripts, styles and requests from this server only; nothing inline, no frames. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The longest text an agent may send at once (a customer-facing message, not a document). */
const MAX_AGENT_TEXT = 4_000;

const page = (file: string) => readFileSync(join(HERE, 'page', file), 'utf8');

/** A handler run with the request's session (401/403 already answered when there is none). */
export type SessionHandler = (
  s: AgentSession,
  req: FastifyRequest,
  reply: FastifyReply,
) => Promise<unknown>;

/**
 * A section of the console served besides the queue (visit outcomes, reports …): its routes,
 * registered inside the console's scope (its CSP and headers) with the session check.
 */
export type ConsoleSection = (
  app: FastifyInstance,
  withSession: (
    handler: SessionHandler,
  ) => (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
) => void;

/** What the console's routes need. */
export interface AgentConsoleOptions {
  access: AgentAccess;
  desk: AgentDesk;
  /** Log-in tries, limited across every process (shared through the database). */
  tries: LoginTries;
  /** Issue 16: the mails kept unsent, shown to supervisors (never dropped in silence). */
  mails?: Pick<MailOutbox, 'kept'>;
  /** More sections of the console (issue 16). */
  sections?: readonly ConsoleSection[];
}

const REFUSALS: Record<string, number> = {
  'not-found': 404,
  'held-by-other': 409,
  'not-held': 409,
  'no-case': 409,
  empty: 400,
};

/** Registers the console's routes on a fastify instance. */
export function agentConsoleRoutes(options: AgentConsoleOptions) {
  const { access, desk } = options;
  const { tries } = options;
  const files = {
    html: page('index.html'),
    js: page('console.js'),
    mailsJs: page('kept-mails.js'),
    css: page('console.css'),
    icon: page('favicon.svg'),
  };
  const texts = Object.fromEntries(
    LANGUAGES.map((l) => [l, readFileSync(join(LOCALES, l, 'console.json'), 'utf8')]),
  );

  return async function routes(app: FastifyInstance): Promise<void> {
    // The live feeds open now, ended when the server stops (else its close waits for them).
    const streams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of [...streams]) end();
    });
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/agent')) return;
      reply.header('content-security-policy', CONSOLE_CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cache-control', 'no-store');
    });
    const send =
      (type: string, body: string) => async (_req: FastifyRequest, reply: FastifyReply) =>
        reply.type(type).send(body);
    app.get('/agent', send('text/html; charset=utf-8', files.html));
    app.get('/agent/', send('text/html; charset=utf-8', files.html));
    app.get('/agent/console.js', send('text/javascript; charset=utf-8', files.js));
    app.get('/agent/kept-mails.js', send('text/javascript; charset=utf-8', files.mailsJs));
    app.get('/agent/console.css', send('text/css; charset=utf-8', files.css));
    app.get('/agent/favicon.svg', send('image/svg+xml', files.icon));
    app.get('/agent/api/texts/:lang', async (request, reply) => {
      const { lang } = request.params as { lang: string };
      const language = isLanguage(lang) ? lang : 'es';
      return reply.type('application/json; charset=utf-8').send(texts[language]);
    });

    app.post('/agent/api/login', async (request, reply) => {
      // A JSON body and a same-site origin: a page of another site cannot log an agent in.
      if (
        !sameOrigin(request) ||
        !String(request.headers['content-type'] ?? '').startsWith('application/json')
      )
        return reply.code(403).send({ error: 'refused', code: 'CSRF' });
      const body = (request.body ?? {}) as { email?: unknown; password?: unknown };
      const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
      const password = typeof body.password === 'string' ? body.password : '';
      // A try is taken before the password is checked: racing requests, on any process, never
      // get more guesses than the limit.
      const taken = await tries.take(request.ip, email);
      if (!taken.allowed) {
        return reply
          .code(429)
          .header('retry-after', Math.ceil(taken.retryAfterMs / 1000))
          .send({ error: 'too many failed log-ins', code: 'RATE_LIMITED' });
      }
      const agent = email && password.length <= 1_000 ? await access.verify(email, password) : null;
      if (!agent) {
        request.log.warn({ email, ip: request.ip }, 'agent log-in failed');
        return reply.code(401).send({ error: 'wrong e-mail or password', code: 'BAD_LOGIN' });
      }
      await tries.release(taken.ticket);
      const session = await access.openSession(agent.email);
      request.log.info({ agent: agent.email }, 'agent logged in');
      return reply
        .header('set-cookie', sessionCookie(request, session.token, SESSION_HOURS * 3_600))
        .send({ csrf: session.csrf });
    });

    const withSession =
      (handler: SessionHandler) => async (request: FastifyRequest, reply: FastifyReply) => {
        const session = await authenticate(access, request, reply);
        if (!session) return reply;
        return handler(session, request, reply);
      };
    for (const section of options.sections ?? []) section(app, withSession);

    app.post(
      '/agent/api/logout',
      withSession(async (_s, request, reply) => {
        const token = cookieOf(request, SESSION_COOKIE);
        if (token) await access.closeSession(token);
        return reply.header('set-cookie', sessionCookie(request, null)).send({ ok: true });
      }),
    );
    app.get(
      '/agent/api/me',
      withSession(async (s) => ({
        email: s.agent.email,
        name: s.agent.name,
        role: s.role,
        csrf: s.csrf,
      })),
    );
    app.get(
      '/agent/api/queue',
      withSession(async (s) => ({ queue: await desk.queue.list(s.role) })),
    );
    app.get(
      '/agent/api/mails',
      withSession(async (s, _request, reply) => {
        if (s.role !== 'supervisor' || !options.mails)
          return reply.code(403).send({ error: 'supervisors only' });
        return options.mails.kept();
      }),
    );
    app.get(
      '/agent/api/events',
      withSession(async (s, request, reply) =>
        streamEvents(desk.events, s.role, request, reply, streams),
      ),
    );
    app.get(
      '/agent/api/conversations/:id',
      withSession(async (s, request, reply) => {
        const view = await desk.queue.view(s.role, idOf(request));
        return view ? view : reply.code(404).send({ error: 'not in the queue' });
      }),
    );

    const action = (
      run: (s: AgentSession, id: string, body: Record<string, unknown>) => Promise<DeskResult>,
    ) =>
      withSession(async (s, request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const result = await run(s, idOf(request), body);
        if (result.ok) return { ok: true };
        return reply.code(REFUSALS[result.refusal] ?? 409).send({
          error: result.refusal,
          ...(result.holder ? { holder: result.holder } : {}),
        });
      });
    const text = (body: Record<string, unknown>, field: string) =>
      typeof body[field] === 'string' ? (body[field] as string).slice(0, MAX_AGENT_TEXT) : '';

    app.post(
      '/agent/api/conversations/:id/take',
      action((s, id) => desk.take(s.agent, s.role, id)),
    );
    app.post(
      '/agent/api/conversations/:id/message',
      action((s, id, body) => {
        const clientId =
          typeof body.id === 'string' && /^[\w-]{8,64}$/.test(body.id) ? body.id : undefined;
        return desk.say(
          s.agent,
          id,
          text(body, 'text'),
          clientId && `${s.agent.email}:${clientId}`,
        );
      }),
    );
    app.post(
      '/agent/api/conversations/:id/transfer',
      action((s, id) => desk.transfer(s.agent, id)),
    );
    app.post(
      '/agent/api/conversations/:id/release',
      action((s, id) => desk.release(s.agent, id)),
    );
    app.post(
      '/agent/api/conversations/:id/close',
      action((s, id, body) => desk.close(s.agent, id, text(body, 'resolution'))),
    );
  };
}

function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}
