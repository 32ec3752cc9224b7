import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type Resource } from 'i18next';
import { LANGUAGES, type Language } from '../domain/types.ts';
import type { Reply } from '../flows/contract.ts';
import { PROJECT_ROOT } from './database/embedded-ferretdb.ts';
import { addDateFormatters, ISO_INSTANT } from './dates.ts';

/** A reply rendered in a language: the text and the choices' labels. */
export interface RenderedReply {
  text: string;
  choices: { id: string; label: string }[];
}

/** Renders flow replies (i18n keys) into words, from `locales/<lang>/<namespace>.json`. */
export interface Translator {
  render(reply: Reply, language: Language): RenderedReply;
  has(key: string, language: Language): boolean;
  /**
   * One text in a language, not memoised: for texts that carry a secret (an account code's
   * mail), which must not stay in a cache.
   */
  text(key: string, params: Record<string, string | number>, language: Language): string;
}

/** Loads every locale file once and returns a translator; Spanish is the fallback. */
export function createTranslator(localesDir = join(PROJECT_ROOT, 'locales')): Translator {
  const resources: Resource = {};
  for (const language of LANGUAGES) {
    resources[language] = {};
    for (const file of readdirSync(join(localesDir, language)).filter((f) => f.endsWith('.json'))) {
      resources[language][file.replace(/\.json$/, '')] = JSON.parse(
        readFileSync(join(localesDir, language, file), 'utf8'),
      );
    }
  }
  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources,
    lng: 'es',
    fallbackLng: 'es',
    defaultNS: 'bot',
    ns: Object.keys(resources.es ?? {}),
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });

  const fixed = Object.fromEntries(LANGUAGES.map((l) => [l, instance.getFixedT(l)])) as Record<
    Language,
    ReturnType<i18n['getFixedT']>
  >;

  const dates = addDateFormatters(instance);

  // Instants in params are written in the customer's zone: `{{x, when}}` / `{{start, slot}}`
  // format them from `instants`; a text that names an instant plainly (`{{x}}`) still reads
  // "martes 10 de marzo a las 14:00", never an ISO string.
  const formatParams = (params: Reply['params'], language: Language) => {
    if (!params) return {};
    const zone = typeof params.timeZone === 'string' ? params.timeZone : 'UTC';
    const out: Record<string, unknown> = {};
    const instants: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      if (typeof value === 'string' && ISO_INSTANT.test(value)) {
        instants[name] = value;
        out[name] = dates.when(value, language, zone);
      } else out[name] = value;
    }
    out.instants = instants;
    return out;
  };

  // Most replies recur word for word (the same question to every customer): rendering through
  // i18next and luxon is a tenth of a turn's CPU, a lookup is not.
  const rendered = new Map<string, RenderedReply>();
  const RENDERED_KEPT = 5_000;

  return {
    render(reply, language) {
      const memoKey = `${language}\u0000${JSON.stringify(reply)}`;
      const memo = rendered.get(memoKey);
      if (memo) return memo;
      const t = fixed[language];
      const params = formatParams(reply.params, language);
      const result: RenderedReply = Object.freeze({
        text: t(reply.key, params),
        choices: Object.freeze(
          (reply.choices ?? []).map((c) => {
            const label = t(c.key, formatParams(c.params, language));
            // The option's meaning with its label, so the question's text lists nothing twice.
            const detail = c.detail ? t('choiceDetail', { label, detail: t(c.detail) }) : label;
            return Object.freeze({ id: c.id, label: detail });
          }),
        ) as RenderedReply['choices'],
      });
      if (rendered.size >= RENDERED_KEPT) rendered.delete(rendered.keys().next().value!);
      rendered.set(memoKey, result);
      return result;
    },
    has(key, language) {
      return instance.exists(key, { lng: language, fallbackLng: false });
    },
    text(key, params, language) {
      return fixed[language](key, params);
    },
  };
}
