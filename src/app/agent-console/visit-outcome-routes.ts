/**
 * The console's visit outcomes (issue 16): `/agent/visits`, a page where an agent or technician
 * opens a folio and records how the visit went, and its API: `GET /agent/api/visits/:folio`
 * and `POST /agent/api/visits/:folio/outcome` (R000-6, R000-8, R000-9, R000-10, R000-13). A
 * second record of the same visit is refused with 409 and the first one.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VisitOutcomeDesk } from '../../bot/visit-outcome-desk.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { isVisitOutcome, type VisitOutcomeInput } from '../../domain/folios/visit-outcome.ts';
import type { ConsoleSection } from './routes.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const FOLIO = /^[\w-]{1,64}$/;

/** A visit outcome's body as typed, or a `ValidationError` naming what is wrong. */
export function outcomeInput(body: Record<string, unknown>): VisitOutcomeInput {
  if (!isVisitOutcome(body.outcome)) throw new ValidationError('unknown outcome');
  const instant = (field: string, required: boolean): Date | null => {
    const value = body[field];
    if ((value === undefined || value === null || value === '') && !required) return null;
    const at = typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(at.getTime())) throw new ValidationError(`${field} is not an instant`);
    return at;
  };
  return {
    outcome: body.outcome,
    arrivedAt: instant('arrivedAt', true)!,
    startedAt: instant('startedAt', false),
    endedAt: instant('endedAt', true)!,
    extraTimeAcceptedInWriting: body.extraTimeAcceptedInWriting === true,
    note: typeof body.note === 'string' ? body.note.slice(0, 2_000) : '',
  };
}

/** The visit outcomes section of the console. */
export function visitOutcomeSection(visits: VisitOutcomeDesk): ConsoleSection {
  const html = readFileSync(join(HERE, 'page', 'visits.html'), 'utf8');
  const js = readFileSync(join(HERE, 'page', 'visits.js'), 'utf8');
  return (app, withSession) => {
    app.get('/agent/visits', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(html),
    );
    app.get('/agent/visits.js', async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').send(js),
    );
    app.get(
      '/agent/api/visits/:folio',
      withSession(async (s, request, reply) => {
        const { folio } = request.params as { folio: string };
        const sheet = FOLIO.test(folio) ? await visits.sheet(s.agent, folio) : null;
        return sheet ?? reply.code(404).send({ error: 'not-found' });
      }),
    );
    app.post(
      '/agent/api/visits/:folio/outcome',
      withSession(async (s, request, reply) => {
        const { folio } = request.params as { folio: string };
        if (!FOLIO.test(folio)) return reply.code(404).send({ error: 'not-found' });
        try {
          const input = outcomeInput((request.body ?? {}) as Record<string, unknown>);
          const result = await visits.record(s.agent, folio, input);
          if (result.status === 'already-recorded')
            return reply.code(409).send({ error: 'already-recorded', record: result.record });
          return result;
        } catch (error) {
          if (error instanceof NotFoundError) return reply.code(404).send({ error: 'not-found' });
          if (error instanceof ValidationError)
            return reply
              .code(400)
              .send({ error: 'invalid', message: error.message, reason: error.reason ?? null });
          throw error;
        }
      }),
    );
  };
}
