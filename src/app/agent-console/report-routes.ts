/**
 * The supervisor reports (issue 16), for the supervisor role only: `/agent/reports`, a page
 * that draws them with Chart.js (served from the package, no CDN, under the console's CSP), and
 * `GET /agent/api/reports?country=&from=&to=` as JSON or, with `&format=csv`, as a CSV download.
 * Figures come from the per-day summaries (`domain/reports`), never from a scan of the cases.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../../domain/errors.ts';
import { supervisorReport, type DailyTally } from '../../domain/reports/index.ts';
import { COUNTRIES, isCountry } from '../../domain/types.ts';
import { reportCsv } from './report-csv.ts';
import type { ConsoleSection } from './routes.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The reports section of the console, on the per-day summaries. */
export function reportSection(tally: DailyTally): ConsoleSection {
  const html = readFileSync(join(HERE, 'page', 'reports.html'), 'utf8');
  const js = readFileSync(join(HERE, 'page', 'reports.js'), 'utf8');
  // The package exports no path to its browser build: found next to its CommonJS entry.
  const main = createRequire(import.meta.url).resolve('chart.js');
  const chart = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  return (app, withSession) => {
    app.get('/agent/reports', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(html),
    );
    app.get('/agent/reports.js', async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').send(js),
    );
    app.get('/agent/chart.umd.min.js', async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').send(chart),
    );
    app.get(
      '/agent/api/reports/countries',
      withSession(async (s, _request, reply) => {
        if (s.role !== 'supervisor') return reply.code(403).send({ error: 'supervisors only' });
        return { countries: s.agent.countries.length > 0 ? s.agent.countries : [...COUNTRIES] };
      }),
    );
    app.get(
      '/agent/api/reports',
      withSession(async (s, request, reply) => {
        if (s.role !== 'supervisor') return reply.code(403).send({ error: 'supervisors only' });
        const query = request.query as Record<string, string | undefined>;
        const country = String(query.country ?? '').toUpperCase();
        if (!isCountry(country)) return reply.code(400).send({ error: 'unknown country' });
        if (s.agent.countries.length > 0 && !s.agent.countries.includes(country))
          return reply.code(403).send({ error: 'not a country of yours' });
        try {
          const report = await supervisorReport(tally, country, query.from ?? '', query.to ?? '');
          if (query.format !== 'csv') return report;
          return reply
            .type('text/csv; charset=utf-8')
            .header(
              'content-disposition',
              `attachment; filename="atiende-${country}-${report.from}-${report.to}.csv"`,
            )
            .send(reportCsv(report));
        } catch (error) {
          if (error instanceof ValidationError)
            return reply.code(400).send({ error: 'invalid', message: error.message });
          throw error;
        }
      }),
    );
  };
}
