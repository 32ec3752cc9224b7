/**
 * The console's case, fair-use and announcement routes (issue 16), beside the hand-off routes:
 * an agent holding a conversation pauses its case's SLA while waiting on the customer (R003-6),
 * marks the report false (R001-10) or suspends the person (R001-11); a supervisor announces
 * extended hours or a suspension of the service (R003-3, R003-4) and withdraws it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DeskCaseActions, DeskResult } from '../../bot/agent-desk/index.ts';
import type { AgentAccess, AgentSession } from '../../domain/agents/agent-access.ts';
import type { AnnouncementBoard, PostedAnnouncement } from '../../domain/announcements/index.ts';
import type { Clock } from '../../domain/clock.ts';
import { ANNOUNCEMENT_KINDS, type AnnouncementKind } from '../../domain/policy/index.ts';
import { isCountry } from '../../domain/types.ts';
import { CONSOLE_CSP } from './routes.ts';
import { authenticate } from './session-auth.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/** What the routes need. */
export interface CaseActionRouteOptions {
  access: AgentAccess;
  actions: DeskCaseActions;
  board: AnnouncementBoard;
  clock: Clock;
}

const MAX_REASON = 1_000;
/** An announcement longer than a year is a change of office hours, not an announcement. */
const MAX_ANNOUNCEMENT_MS = 366 * 86_400_000;

const REFUSALS: Record<string, number> = {
  'not-found': 404,
  'held-by-other': 409,
  'not-held': 409,
  'no-case': 409,
  empty: 400,
};

/** The JSON an announcement is shown as. */
function shown(a: PostedAnnouncement) {
  return {
    id: a.id,
    kind: a.kind,
    country: a.country,
    from: a.from.toISOString(),
    to: a.to.toISOString(),
    note: a.note,
    by: a.by,
    at: a.at.toISOString(),
    withdrawnAt: a.withdrawnAt?.toISOString() ?? null,
  };
}

/** Registers the routes on a fastify instance. */
export function caseActionRoutes(options: CaseActionRouteOptions) {
  const { access, actions, board, clock } = options;
  const script = readFileSync(join(HERE, 'page', 'case-tools.js'), 'utf8');
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/agent/case-tools.js', async (_request, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('content-security-policy', CONSOLE_CSP)
        .header('x-content-type-options', 'nosniff')
        .send(script),
    );
    const withSession =
      (handler: (s: AgentSession, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        const session = await authenticate(access, request, reply);
        if (!session) return reply;
        return handler(session, request, reply);
      };
    const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
    const text = (request: FastifyRequest, field: string) => {
      const value = body(request)[field];
      return typeof value === 'string' ? value.slice(0, MAX_REASON) : '';
    };
    const id = (request: FastifyRequest) => (request.params as { id: string }).id;
    const answer = (reply: FastifyReply, result: DeskResult) =>
      result.ok
        ? { ok: true }
        : reply.code(REFUSALS[result.refusal] ?? 409).send({
            error: result.refusal,
            ...(result.holder ? { holder: result.holder } : {}),
          });

    app.post(
      '/agent/api/conversations/:id/await-customer',
      withSession(async (s, request, reply) =>
        answer(reply, await actions.awaitCustomer(s.agent, id(request))),
      ),
    );
    app.post(
      '/agent/api/conversations/:id/mark-false',
      withSession(async (s, request, reply) =>
        answer(reply, await actions.markFalse(s.agent, id(request), text(request, 'reason'))),
      ),
    );
    app.post(
      '/agent/api/conversations/:id/suspend',
      withSession(async (s, request, reply) => {
        const hours = body(request).hours;
        return answer(
          reply,
          await actions.suspend(
            s.agent,
            id(request),
            text(request, 'reason'),
            typeof hours === 'number' ? hours : undefined,
          ),
        );
      }),
    );

    app.get(
      '/agent/api/announcements',
      withSession(async () => {
        await board.refresh();
        return { announcements: board.posted.map(shown) };
      }),
    );
    app.post(
      '/agent/api/announcements',
      withSession(async (s, request, reply) => {
        if (s.role !== 'supervisor') return reply.code(403).send({ error: 'supervisors only' });
        const given = body(request);
        const kind = given.kind as AnnouncementKind;
        const from = Date.parse(String(given.from ?? ''));
        const to = Date.parse(String(given.to ?? ''));
        const country = typeof given.country === 'string' && given.country ? given.country : null;
        const note = text(request, 'note').trim();
        if (
          !ANNOUNCEMENT_KINDS.includes(kind) ||
          !Number.isFinite(from) ||
          !Number.isFinite(to) ||
          to <= from ||
          to - from > MAX_ANNOUNCEMENT_MS ||
          (country !== null && !isCountry(country)) ||
          !note
        )
          return reply.code(400).send({ error: 'invalid announcement' });
        const posted = await board.post({
          kind,
          country: country as PostedAnnouncement['country'],
          from: new Date(from),
          to: new Date(to),
          note,
          by: s.agent.email,
          at: clock.now(),
        });
        request.log.info({ agent: s.agent.email, announcement: posted.id }, 'announcement posted');
        return shown(posted);
      }),
    );
    app.post(
      '/agent/api/announcements/:id/withdraw',
      withSession(async (s, request, reply) => {
        if (s.role !== 'supervisor') return reply.code(403).send({ error: 'supervisors only' });
        const done = await board.withdraw(id(request), clock.now());
        return done ? { ok: true } : reply.code(404).send({ error: 'not in force' });
      }),
    );
  };
}
