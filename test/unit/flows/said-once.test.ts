/**
 * Issue 13, said once: what the words that chose the request already answer — the complaint's
 * kind, the fault's platform, its severity and urgency — is taken (and said) instead of asked;
 * when they are unsure, negated or name two answers, the question is asked.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../../src/bot/i18n.ts';
import type { Language } from '../../../src/domain/types.ts';
import { Conversation, atTriage, expectEmittedKeysTranslated } from './harness.ts';

afterAll(expectEmittedKeysTranslated);

const translator = createTranslator();

/** A conversation at triage in `language`. */
const triageIn = (language: Language) => atTriage({ input: { localeHint: language } });

describe('what the request already said is not asked again (issue 13)', () => {
  it('a complaint that says it was a charge ("me cobraron doble", "they charged me twice", "me cobraram duas vezes") is not asked its kind', async () => {
    for (const [language, text] of [
      ['es', 'me cobraron doble'],
      ['es', 'oigan me estan cobrando de mas en la factura'],
      ['en', 'they charged me twice this month'],
      ['pt', 'me cobraram duas vezes'],
    ] as const) {
      const c = await triageIn(language);
      expect(await c.send(text), text).toEqual(['said.complaintKind', 'request.askDescription']);
      const said = translator.render(c.reply('said.complaintKind')!, language).text;
      expect(said, text).toContain(
        { es: 'Un cobro indebido', en: 'An undue charge', pt: 'Uma cobrança indevida' }[language],
      );
      await c.send('La mensualidad de febrero aparece dos veces en mi estado de cuenta');
      expect(c.callsOf('openCase')[0], text).toMatchObject({ type: 'claim' });
    }
  });

  it('a complaint whose words name another kind takes that one, and a negated charge is not a charge', async () => {
    const c = await atTriage();
    await c.send('quiero poner una queja porque nunca me instalaron el servicio');
    expect(c.reply('said.complaintKind')?.params).toEqual({
      label: 'complaint.kind.missingService',
    });
    const d = await atTriage();
    await d.send('no me cobraron de más, pero me trataron mal');
    expect(d.reply('said.complaintKind')?.params).toEqual({ label: 'complaint.kind.other' });
  });

  it('a complaint that does not say its kind is asked it', async () => {
    for (const text of ['Quiero poner un reclamo', 'I want to file a complaint']) {
      const c = await atTriage();
      expect(await c.send(text), text).toEqual(['complaint.askKind']);
    }
  });

  it('a fault described in the first message ("la impresora no imprime") is not asked its platform', async () => {
    for (const [language, text, label] of [
      ['es', 'la impresora no imprime', 'printing'],
      ['pt', 'a impressora não imprime nada', 'printing'],
      ['es', 'el modem no tiene luces', 'network'],
    ] as const) {
      const c = new Conversation({ input: { localeHint: language } });
      await c.say(text, 'MX-1001', { choice: 'yes' });
      expect(c.question?.key, text).toBe('triage.confirmKept');
      expect(await c.send({ choice: 'yes' }), text).toEqual([
        'said.category',
        'technical.askEquipment',
      ]);
      expect(c.reply('said.category')?.params, text).toEqual({
        label: `technical.category.${label}`,
      });
    }
  });

  it('a fault whose words name two platforms is asked which', async () => {
    const c = await atTriage();
    await c.send('la impresora no se conecta a la red');
    expect(c.question?.key).toBe('technical.askCategory');
  });

  /** A technical fault told at triage, taken through the first level unsolved. */
  async function toSeverity(language: Language, text: string): Promise<Conversation> {
    const c = await triageIn(language);
    await c.send(text);
    expect(c.question?.key, text).toBe('technical.askEquipment');
    await c.say({ choice: 'SRV-MX-0001' }, { choice: 'yes' }, { choice: 'yes' });
    await c.say({ choice: 'yes' }, { choice: 'yes' }, { choice: 'done' }, { choice: 'no' });
    return c;
  }

  it('R002-3: "estamos parados" / "nobody can work" / "está tudo parado" set severity and urgency critical without asking, and say so', async () => {
    for (const [language, text] of [
      ['es', 'el servidor no responde, estamos parados'],
      ['en', 'the server is down, nobody can work'],
      ['pt', 'o servidor caiu, está tudo parado'],
    ] as const) {
      const c = await toSeverity(language, text);
      expect(
        c.last.map((r) => r.key),
        text,
      ).toEqual(['said.severity', 'said.urgency', 'technical.askSubject']);
      await c.say(
        'El servidor de facturación no responde',
        'Desde las 9 de la mañana nadie puede entrar al sistema de facturación',
        { choice: 'skip' },
        { choice: 'skip' },
      );
      expect(c.callsOf('openCase')[0], text).toMatchObject({
        severity: 'critical',
        urgency: 'critical',
        priority: 'P1',
      });
    }
  });

  it('R002-3: "urgente" alone says too little — severity is asked; "no es urgente" then sets the urgency low', async () => {
    const c = await toSeverity('es', 'el servidor no responde, es urgente');
    expect(c.question?.key).toBe('technical.askSeverity');
    // Negated, whatever language the phrase is of ("estamos parados" is Portuguese too).
    const slow = await toSeverity('es', 'el servidor no responde bien, pero no estamos parados');
    expect(slow.question?.key).toBe('technical.askSeverity');
    const d = await toSeverity('es', 'el servidor no responde, no es urgente');
    expect(d.question?.key).toBe('technical.askSeverity');
    expect(await d.send({ choice: 'medium' })).toEqual(['said.urgency', 'technical.askSubject']);
    expect(d.reply('said.urgency')?.params).toEqual({ label: 'urgency.low.label' });
  });

  it('words chosen by a button say nothing: every question is asked', async () => {
    const c = await atTriage();
    expect(await c.send({ choice: 'complaint' })).toEqual(['complaint.askKind']);
  });
});
