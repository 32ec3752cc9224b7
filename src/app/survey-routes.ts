/**
 * Issue 16: the survey answered from its e-mail (R002-8). The mail's link opens a page that asks
 * to confirm the score (a GET records nothing: mail scanners open links); the form's POST records
 * it once per case — the same unique key as the chat's answer, so either counts once.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../domain/clock.ts';
import type { Domain } from '../domain/domain.ts';
import { LANGUAGES, type Language } from '../domain/types.ts';
import type { Translator } from '../bot/i18n.ts';
import { caseOfSurveyToken, SURVEY_SCORES } from '../bot/mail/survey-link.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What the survey's routes need. */
export interface SurveyRouteOptions {
  domain: Domain;
  translator: Pick<Translator, 'text'>;
  clock: Clock;
  secret: string;
}

/** The survey's page and its answer: `GET /survey/:token?score=N`, `POST /survey/:token`. */
export function surveyRoutes(options: SurveyRouteOptions) {
  const { domain, translator, clock, secret } = options;

  const page = (reply: FastifyReply, language: Language, status: number, body: string) =>
    reply
      .code(status)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(translator.text('mail:surveyPage.title', {}, language))}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:2rem auto">${body}</body></html>`,
      );

  /** The case of a token and its customer's language, or null. */
  const caseOf = async (token: string) => {
    const number = caseOfSurveyToken(secret, token);
    const found = number ? await domain.cases.find(number) : null;
    if (!found) return null;
    const customer = found.accountNumber
      ? await domain.customers.findByAccount(found.accountNumber)
      : null;
    const language = customer?.language ?? domain.policy.language.default;
    return {
      found,
      language: (LANGUAGES as readonly string[]).includes(language) ? language : 'es',
    };
  };
  const scoreOf = (value: unknown) => {
    const n = Number(value);
    return (SURVEY_SCORES as readonly number[]).includes(n) ? n : null;
  };

  return async function routes(app: FastifyInstance): Promise<void> {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1_024 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    app.get('/survey/:token', async (request, reply) => {
      const { token } = request.params as { token: string };
      const about = await caseOf(token);
      if (!about)
        return page(
          reply,
          'es',
          404,
          `<p>${escapeHtml(translator.text('mail:surveyPage.invalid', {}, 'es'))}</p>`,
        );
      const { found, language } = about;
      const t = (key: string, params: Record<string, string | number> = {}) =>
        escapeHtml(
          translator.text(
            `mail:surveyPage.${key}`,
            { caseNumber: found.number, ...params },
            language,
          ),
        );
      const chosen = scoreOf((request.query as { score?: unknown }).score);
      const buttons = SURVEY_SCORES.map(
        (s) =>
          `<button name="score" value="${s}" style="font-size:1.5rem;margin:.25rem;${s === chosen ? 'font-weight:bold' : ''}">${s}</button>`,
      ).join('');
      return page(
        reply,
        language,
        200,
        `<h1>${t('title')}</h1><p>${t('ask')}</p><form method="post" action="/survey/${encodeURIComponent(token)}">${buttons}</form>`,
      );
    });

    app.post('/survey/:token', async (request, reply) => {
      const { token } = request.params as { token: string };
      const about = await caseOf(token);
      if (!about)
        return page(
          reply,
          'es',
          404,
          `<p>${escapeHtml(translator.text('mail:surveyPage.invalid', {}, 'es'))}</p>`,
        );
      const { found, language } = about;
      const t = (key: string) =>
        escapeHtml(
          translator.text(`mail:surveyPage.${key}`, { caseNumber: found.number }, language),
        );
      const score = scoreOf((request.body as { score?: unknown } | null)?.score);
      if (score === null) return page(reply, language, 400, `<p>${t('ask')}</p>`);
      const first = await domain.cases.insertSurvey({
        caseNumber: found.number,
        score,
        comment: '',
        answeredAt: clock.now(),
      });
      return page(
        reply,
        language,
        200,
        `<h1>${t('title')}</h1><p>${t(first ? 'thanks' : 'already')}</p>`,
      );
    });
  };
}
