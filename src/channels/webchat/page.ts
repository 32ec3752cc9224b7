import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLanguage, type Language } from '../../domain/types.ts';
import type { ChannelContext } from '../channel-adapter.ts';
import type { WebchatSettings } from './settings.ts';

/** Microsoft's Web Chat bundle, from the installed package (never a CDN). */
const WEBCHAT_BUNDLE = join(
  dirname(createRequire(import.meta.url).resolve('botframework-webchat')),
  '..',
  'dist',
  'webchat.js',
);
const PAGE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'public', 'webchat-page.js');
const PAGE_STYLE = join(dirname(fileURLToPath(import.meta.url)), 'public', 'webchat-page.css');

/**
 * No inline script, nothing from another origin; Web Chat adds its styles at run time (inline
 * styles allowed) and talks to this server's Direct Line by fetch and WebSocket.
 */
function contentPolicy(settings: WebchatSettings): string {
  const azure = settings.azureDirectLine ? new URL(settings.azureDirectLine.url) : null;
  // Azure's Direct Line: its REST calls and its WebSocket stream, nothing else of that host.
  const elsewhere = azure ? ` ${azure.origin} ${azure.origin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    `connect-src 'self' ws: wss:${elsewhere}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * `/webchat`: a page with Microsoft's Web Chat control talking to atiende's own Direct Line (or
 * Azure's, when its secret is configured), in
 * the visitor's language (the browser's), telling outside office hours when a person will
 * answer (R003-2). A company embeds it in its site with an `<iframe>` (README).
 * `/webchat/status` tells the same as JSON. Visitor text is shown by Web Chat as text; the page
 * itself writes only texts of the locales, escaped.
 */
export function webchatPage(
  app: FastifyInstance,
  context: ChannelContext,
  settings: WebchatSettings,
): void {
  const texts = context.texts;
  const csp = contentPolicy(settings);
  // Where the page's Web Chat talks: Azure's Direct Line (a token from this server) or ours.
  const directLine = settings.azureDirectLine
    ? { domain: settings.azureDirectLine.url, tokenUrl: '/webchat/token' }
    : { domain: '', tokenUrl: '' };
  const languageOf = (request: FastifyRequest): Language => {
    const query = (request.query as Record<string, unknown>).lang;
    const hint = typeof query === 'string' ? query : request.headers['accept-language'];
    const code = firstLanguage(hint)?.slice(0, 2).toLowerCase();
    return isLanguage(code) ? code : texts.defaultLanguage;
  };
  const hours = (language: Language) =>
    texts.officeHours?.('webchat:closed', settings.country, language, context.clock.now()) ?? {
      open: true,
      notice: null,
    };

  app.get('/webchat', async (request, reply) => {
    const language = languageOf(request);
    const t = (key: string) => texts.text(`webchat:${key}`, {}, language);
    const { open, notice } = hours(language);
    const html = `<!doctype html>
<html lang="${escape(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t('title'))}</title>
<link rel="stylesheet" href="/webchat/page.css">
</head>
<body>
<header><h1>${escape(t('heading'))}</h1></header>
<p id="hours" class="${open ? 'open' : 'closed'}"${notice ? '' : ' hidden'}>${escape(notice ?? '')}</p>
<main id="webchat" role="main" data-failed="${escape(t('failed'))}" data-direct-line="${escape(directLine.domain)}" data-token-url="${escape(directLine.tokenUrl)}"></main>
<noscript>${escape(t('noscript'))}</noscript>
<script src="/webchat/webchat.js"></script>
<script src="/webchat/page.js"></script>
</body>
</html>
`;
    return reply
      .header('content-security-policy', csp)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(html);
  });

  app.get('/webchat/status', async (request, reply) => {
    const language = languageOf(request);
    const { open, notice } = hours(language);
    return reply.send({ open, notice, language });
  });

  const asset = (path: string, file: string, type: string) =>
    app.get(path, async (_request, reply) =>
      reply
        .header('cache-control', 'public, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .type(type)
        .send(await readFile(file)),
    );
  asset('/webchat/webchat.js', WEBCHAT_BUNDLE, 'text/javascript; charset=utf-8');
  asset('/webchat/page.js', PAGE_SCRIPT, 'text/javascript; charset=utf-8');
  asset('/webchat/page.css', PAGE_STYLE, 'text/css; charset=utf-8');
}

/** The first language of an `Accept-Language` header (`pt-BR,pt;q=0.9` → `pt-BR`). */
function firstLanguage(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.split(';')[0]?.trim();
  return first ? first : null;
}

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
