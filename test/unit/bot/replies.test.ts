import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../src/bot/i18n.ts';
import { SEVERITY_CHOICES, URGENCY_CHOICES } from '../../../src/flows/choices.ts';
import botEs from '../../../locales/es/bot.json' with { type: 'json' };
import botEn from '../../../locales/en/bot.json' with { type: 'json' };
import botPt from '../../../locales/pt/bot.json' with { type: 'json' };

function texts(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (typeof node !== 'object' || node === null) return [];
  return Object.values(node).flatMap(texts);
}

describe('lists shown once (issue 13)', () => {
  it('R002-3: severity and urgency options are listed once, as choices carrying their meaning', () => {
    const t = createTranslator();
    for (const lang of ['es', 'en', 'pt'] as const) {
      for (const [key, choices] of [
        ['technical.askSeverity', SEVERITY_CHOICES],
        ['technical.askUrgency', URGENCY_CHOICES],
      ] as const) {
        const r = t.render({ key, choices }, lang);
        expect(r.text, `${lang} ${key}`).not.toMatch(/\n\s*\d+[.)]/);
        expect(r.choices).toHaveLength(4);
        for (const c of r.choices) expect(c.label, `${lang} ${key}`).toMatch(/^\S.*: \S/);
      }
    }
  });

  it('no text numbers a list of its own: numbered options are rendered from the choices, once', () => {
    for (const bot of [botEs, botEn, botPt]) {
      for (const text of texts(bot)) expect(text).not.toMatch(/\n\s*\d+[.)] /);
    }
  });
});
