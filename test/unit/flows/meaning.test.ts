/**
 * Issue 13: answers read by meaning, not only by their label — intents described in free
 * text at triage, yes/no and done/not-yet as people say them, option numbers in words, phrases
 * of a choice inside the answer — and never a guess between two choices.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  COMPLAINT_KINDS,
  DELIVERY_CHANNELS,
  DONE_NOT_YET,
  SEVERITY_CHOICES,
  YES_NO,
  triageChoices,
} from '../../../src/flows/choices.ts';
import type { ConversationContext } from '../../../src/flows/context.ts';
import { asksForPerson, matchChoice, namedLanguage } from '../../../src/flows/understanding.ts';
import {
  atPowerCheck,
  atSeverity,
  atTriage,
  Conversation,
  expectEmittedKeysTranslated,
} from './harness.ts';

afterAll(expectEmittedKeysTranslated);

const TRIAGE = triageChoices({
  mayRequestService: true,
  limited: false,
  customer: {},
} as unknown as ConversationContext);

describe('choices by meaning', () => {
  it('triage: a described problem is its intent, in es, en and pt', () => {
    expect(matchChoice('es una falla técnica con la impresora', TRIAGE, 'es')).toBe('technical');
    expect(matchChoice('Mi módem no tiene luces', TRIAGE, 'es')).toBe('technical');
    expect(matchChoice('me cobraron de más', TRIAGE, 'es')).toBe('complaint');
    expect(matchChoice('¿hay noticias de mi reporte?', TRIAGE, 'es')).toBe('followUp');
    expect(matchChoice('my printer stopped working', TRIAGE, 'en')).toBe('technical');
    expect(matchChoice('quero cancelar o meu plano', TRIAGE, 'pt')).toBe('cancellation');
  });

  it('triage: gibberish and greetings are not forced into an intent', () => {
    for (const text of ['asdf qwer', 'hola', 'jajaja', '👍', 'mmm']) {
      expect(matchChoice(text, TRIAGE, 'es'), text).toBeNull();
    }
  });

  it('triage: an intent not offered is not taken (R003-7: payments pending, no technical)', () => {
    const limited = triageChoices({
      mayRequestService: true,
      limited: true,
      customer: {},
    } as unknown as ConversationContext);
    expect(matchChoice('la impresora no imprime nada', limited, 'es')).toBeNull();
    expect(matchChoice('me cobraron de más', limited, 'es')).toBe('complaint');
  });

  it('yes/no and done/not-yet as people say them, with negation', () => {
    const cases: [string, typeof YES_NO, string | null][] = [
      ['ya lo revisé', YES_NO, 'yes'],
      ['sí ya está prendido', YES_NO, 'yes'],
      ['nel', YES_NO, 'no'],
      ['no, no tiene luz', YES_NO, 'no'],
      ['claro que no', YES_NO, 'no'],
      ['yes it is', YES_NO, 'yes'],
      ['no sé', YES_NO, null],
      ['todavía nop', DONE_NOT_YET, 'notYet'],
      ['ainda não', DONE_NOT_YET, 'notYet'],
      ['ya quedó', DONE_NOT_YET, 'done'],
    ];
    for (const [text, choices, want] of cases)
      expect(matchChoice(text, choices, 'es'), text).toBe(want);
  });

  it('numbered options in words, and phrases of a choice inside the answer', () => {
    expect(matchChoice('la 2', TRIAGE, 'es')).toBe('doubt');
    expect(matchChoice('opción dos', TRIAGE, 'es')).toBe('doubt');
    expect(matchChoice('2.', TRIAGE, 'es')).toBe('doubt');
    expect(matchChoice('the second one', TRIAGE, 'en')).toBe('doubt');
    expect(matchChoice('hoy mismo, alta', SEVERITY_CHOICES, 'es')).toBe('high');
    expect(matchChoice('por correo', DELIVERY_CHANNELS, 'es')).toBe('email');
    expect(matchChoice('por correo postal', DELIVERY_CHANNELS, 'es')).toBe('postal');
    expect(matchChoice('me cobraron de más', COMPLAINT_KINDS, 'es')).toBe('undueCharge');
    // Two choices named as much: never a guess.
    expect(matchChoice('por whatsapp o por correo', DELIVERY_CHANNELS, 'es')).toBeNull();
  });

  it('a language asked for in words; a person asked for in other words', () => {
    expect(namedLanguage('in english please')).toBe('en');
    expect(namedLanguage('em português')).toBe('pt');
    expect(namedLanguage('háblame en español')).toBe('es');
    expect(namedLanguage('mi impresora es inglesa')).toBeNull();
    expect(asksForPerson('quiero que me atienda un humano')).toBe(true);
    expect(asksForPerson('otra persona usa la impresora')).toBe(false);
  });
});

describe('in the flows', () => {
  it('"quiero hablar con una persona" typed at triage hands off (it used to get no reply)', async () => {
    const c = await atTriage();
    const keys = await c.send('quiero hablar con una persona');
    expect(keys).toContain('handoff.queued');
  });

  it('a fault described at triage starts the technical flow (its platform taken from the words)', async () => {
    const c = await atTriage();
    expect(await c.send('la impresora no prende desde ayer')).toEqual([
      'said.category',
      'technical.askEquipment',
    ]);
  });

  it('"ya lo revisé" answers the power check', async () => {
    const c = await atPowerCheck();
    expect(await c.send('ya lo revisé')).toEqual(['technical.askOn']);
  });
});

describe('language at any question', () => {
  it('"in english please" in the middle of the checks: the same question again, in English', async () => {
    const c = await atPowerCheck();
    expect(await c.send('in english please')).toEqual(['technical.askPower']);
    expect(c.emitted.filter((e) => e.type === 'language').at(-1)).toEqual({
      type: 'language',
      language: 'en',
    });
    // Answers go on being read, in the new language or any other.
    expect(await c.send('yes it is')).toEqual(['technical.askOn']);
    expect(await c.send('em português')).toEqual(['technical.askOn']);
    expect(c.emitted.filter((e) => e.type === 'language').at(-1)).toEqual({
      type: 'language',
      language: 'pt',
    });
  });

  it('"inglés" at triage switches, and is not taken for a triage option', async () => {
    const c = await atTriage();
    expect(await c.send('inglés')).toEqual(['triage.ask']);
    expect(c.emitted.filter((e) => e.type === 'language').at(-1)).toEqual({
      type: 'language',
      language: 'en',
    });
  });

  it("the network's language wins over the account's (a customer who started in English)", async () => {
    const c = new Conversation({ input: { localeHint: 'en' } });
    await c.say('Hello', 'BR-4001', 'yes');
    expect(c.emitted.filter((e) => e.type === 'language')).toEqual([]);
    expect(c.question?.key).toBe('triage.ask');
  });
});

describe('equipment by name, type or place', () => {
  const atEquipment = async () => {
    const c = await atTriage();
    await c.say({ choice: 'technical' }, { choice: 'printing' });
    expect(c.question?.key).toBe('technical.askEquipment');
    return c;
  };

  it('R002-2: "la impresora", "la HP", "el de recepción" pick it from the customer\'s list, its location confirmed', async () => {
    for (const text of [
      'la impresora',
      'la HP',
      'la de recepción',
      'la imprsora hp',
      'prn mx 0002',
    ]) {
      const c = await atEquipment();
      expect(await c.send(text), text).toEqual(['technical.confirmLocation']);
      expect(c.question?.params, text).toMatchObject({ serial: 'PRN-MX-0002' });
    }
    const c = await atEquipment();
    expect(await c.send('el servidor dell')).toEqual(['technical.confirmLocation']);
    expect(c.question?.params).toMatchObject({ serial: 'SRV-MX-0001' });
  });

  it('R002-2: a phrase is never stored as a serial; a typed serial that looks like one is', async () => {
    const c = await atEquipment();
    expect(await c.send('el equipo de la bodega')).toEqual([
      'technical.equipmentNotUnderstood',
      'technical.askEquipment',
    ]);
    expect(await c.send('SN-4455-X')).toEqual(['technical.askLocation']);
  });
});

describe("visit slots in the customer's words", () => {
  // The harness offers Tuesday 3 and Wednesday 4 March 2026, 9:00-11:00 in Mexico City; the
  // conversation happens on Monday 2 March.
  const atSlots = async () => {
    const c = await atSeverity();
    await c.say({ choice: 'high' }, { choice: 'critical' });
    await c.send('El servidor no arranca y muestra error de disco');
    await c.send('Desde el lunes el servidor se reinicia solo y muestra disk failure.');
    await c.send('Encenderlo y esperar dos minutos');
    await c.send({ choice: 'skip' });
    expect(c.question?.key).toBe('visit.askSlot');
    return c;
  };

  it('R002-6: "mañana a las 9" and "el miércoles" pick the slot, read in the customer\'s time zone from the message\'s instant', async () => {
    for (const [text, slot] of [
      ['mañana a las 9', 'slot-1'],
      ['el miércoles', 'slot-2'],
      ['el martes en la mañana', 'slot-1'],
      ['el del miércoles a las 10', 'slot-2'],
    ] as const) {
      const c = await atSlots();
      expect(await c.send(text), text).toEqual(['visit.askAttendant']);
      await c.send('yo');
      expect(c.callsOf('openFolio')[0], text).toMatchObject({ slot: { id: slot } });
    }
  });

  it('R002-6: in English and Portuguese too, in the zone of the offer (Bogotá here)', () => {
    const zone = { timeZone: 'America/Bogota' };
    const slots = [
      {
        id: 'a',
        key: 'visit.slotOption',
        params: { start: '2026-03-03T14:00:00.000Z', end: '2026-03-03T16:00:00.000Z', ...zone },
      },
      {
        id: 'b',
        key: 'visit.slotOption',
        params: { start: '2026-03-03T20:00:00.000Z', end: '2026-03-03T22:00:00.000Z', ...zone },
      },
    ];
    const at = '2026-03-02T23:30:00.000Z'; // Monday 18:30 in Bogotá (already Tuesday in UTC)
    expect(matchChoice('tomorrow morning', slots, 'en', at)).toBe('a');
    expect(matchChoice('amanhã às 15', slots, 'pt', at)).toBe('b');
    expect(matchChoice('mañana en la tarde', slots, 'es', at)).toBe('b');
    expect(matchChoice('mañana', slots, 'es', at)).toBeNull();
  });

  it('R002-6: a time both slots share, or a day none has, is asked again', async () => {
    const c = await atSlots();
    expect(await c.send('el de las 9')).toEqual(['common.notUnderstood', 'visit.askSlot']);
    // The second miss in a row offers examples (issue 13: no dead ends).
    expect(await c.send('el viernes')).toEqual(['common.examples.choices', 'visit.askSlot']);
  });
});
