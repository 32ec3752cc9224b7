import { describe, expect, it } from 'vitest';
import botEs from '../../../locales/es/bot.json' with { type: 'json' };
import botEn from '../../../locales/en/bot.json' with { type: 'json' };
import botPt from '../../../locales/pt/bot.json' with { type: 'json' };
import wordsEs from '../../../locales/es/understanding.json' with { type: 'json' };
import wordsEn from '../../../locales/en/understanding.json' with { type: 'json' };
import wordsPt from '../../../locales/pt/understanding.json' with { type: 'json' };
import * as choices from '../../../src/flows/choices.ts';
import { labelText } from '../../../src/flows/understanding.ts';

function keysOf(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

describe('locales', () => {
  it('the three bot.json files have exactly the same keys', () => {
    const es = keysOf(botEs).sort();
    expect(keysOf(botEn).sort()).toEqual(es);
    expect(keysOf(botPt).sort()).toEqual(es);
  });

  it('the three understanding.json files have the same lists', () => {
    const shape = (w: unknown) =>
      keysOf(JSON.parse(JSON.stringify(w), (_k, v: unknown) => (Array.isArray(v) ? 0 : v))).sort();
    expect(shape(wordsEn)).toEqual(shape(wordsEs));
    expect(shape(wordsPt)).toEqual(shape(wordsEs));
  });

  it('every fixed choice label exists in es, en and pt', () => {
    const labels = Object.values(choices)
      .filter(Array.isArray)
      .flat()
      .map((c: { key: string }) => c.key);
    expect(labels.length).toBeGreaterThan(20);
    for (const key of labels)
      for (const lang of ['es', 'en', 'pt'] as const)
        expect(labelText(lang, key), `${lang}: ${key}`).not.toBeNull();
  });

  it('interpolation uses i18next {{name}} syntax with the same parameters and formats in every language', () => {
    // `{{openedAt, when}}`, `{{start, slot}}`: a format is part of the parameter.
    const params = (lang: 'es' | 'en' | 'pt', key: string) =>
      [...(labelText(lang, key) ?? '').matchAll(/\{\{(\w+(?:, [^}]+)?)\}\}/g)]
        .map((m) => m[1])
        .sort();
    for (const key of keysOf(botEs)) {
      expect(params('en', key), key).toEqual(params('es', key));
      expect(params('pt', key), key).toEqual(params('es', key));
    }
  });
});
