import { afterAll, describe, expect, it } from 'vitest';
import { YES_NO, DONE_NOT_YET } from '../../../src/flows/choices.ts';
import { cleanText } from '../../../src/domain/text.ts';
import { findIdentifier, matchChoice } from '../../../src/flows/understanding.ts';
import { isNonsense } from '../../../src/flows/fair-use/index.ts';
import { Conversation, atPowerCheck, atSeverity, expectEmittedKeysTranslated } from './harness.ts';

afterAll(expectEmittedKeysTranslated);

describe('free text', () => {
  it('free-text variants: yes/no words, option numbers and labels in es, en and pt', () => {
    for (const yes of [
      'sí',
      'si',
      'Sí.',
      'claro',
      'ok',
      '1',
      'SI',
      'yes',
      'yeah',
      'sim',
      'Claro que sí',
    ]) {
      expect(matchChoice(yes, YES_NO, 'es'), yes).toBe('yes');
    }
    for (const no of [
      'no',
      'No.',
      '2',
      'nope',
      'não',
      'todavía no',
      'aún no',
      'aun no',
      'ainda não',
    ]) {
      expect(matchChoice(no, YES_NO, 'es'), no).toBe('no');
    }
    expect(matchChoice('todavía no', DONE_NOT_YET, 'es')).toBe('notYet');
    expect(matchChoice('ainda não', DONE_NOT_YET, 'pt')).toBe('notYet');
    expect(matchChoice('listo', DONE_NOT_YET, 'es')).toBe('done');
    expect(matchChoice('Pronto', DONE_NOT_YET, 'pt')).toBe('done');
    expect(matchChoice('done', DONE_NOT_YET, 'en')).toBe('done');
    expect(matchChoice('quizás', YES_NO, 'es')).toBeNull();
  });

  it('free-text variants: "todavía no" and "claro" drive the troubleshooting', async () => {
    const c = await atPowerCheck();
    expect(await c.send('claro')).toEqual(['technical.askOn']);
    expect(await c.send('todavía no')).toEqual(['technical.askTurnOn']);
    expect(await c.send('quizás mañana')).toEqual(['common.notUnderstood', 'technical.askTurnOn']);
  });

  it('free-text variants: an English conversation understands English labels', async () => {
    const c = new Conversation({ input: { localeHint: 'en' } });
    await c.say('hello', 'English', 'MX-1001', 'yeah');
    expect(await c.send('Technical fault')).toEqual(['technical.askCategory']);
  });

  it('identifiers are found in free text', () => {
    expect(findIdentifier('mi número es mx-1001, gracias')).toEqual({
      by: 'account',
      value: 'MX-1001',
    });
    expect(findIdentifier('escríbeme a Ana@SantaRita.example')).toEqual({
      by: 'email',
      value: 'ana@santarita.example',
    });
    expect(findIdentifier('tel +54 9 11 5555-1234')).toEqual({
      by: 'phone',
      value: '541155551234',
    });
    expect(findIdentifier('hola')).toBeNull();
  });
});

describe('hostile input', () => {
  it('hostile input: 10 kB text, empty, emoji only, control characters and HTML never crash and are re-asked', async () => {
    // Each in a conversation of its own: three answers in a row not understood hand off.
    for (const text of [
      'x'.repeat(10_000),
      '',
      '   ',
      '😀😀😀',
      '\u0000\u0007\u001b[31m',
      '<script>alert(1)</script>',
    ]) {
      const c = await atPowerCheck();
      expect(await c.send(text)).toEqual(['common.notUnderstood', 'technical.askPower']);
      expect(await c.send('sí')).toEqual(['technical.askOn']);
    }
    const d = new Conversation();
    expect(await d.send('\u0000'.repeat(10_000))).toEqual([
      'welcome.greeting',
      'identification.askIdentifier',
    ]);
    expect(await d.send('<b>MX-1001</b>')).toEqual(['identification.askIsPrimary']);
  });

  it('hostile input: descriptions are trimmed, stripped of control characters and HTML, and capped at 2,000 characters', async () => {
    const c = await atSeverity();
    await c.say('alta', 'alta', '  El servidor de facturación no responde\u0007  ');
    await c.send(
      `<img src=x onerror=alert(1)>La consola muestra errores de disco ${'y la aplicación se cae '.repeat(500)}`,
    );
    await c.say('omitir', 'omitir');
    const input = c.callsOf('openCase')[0];
    expect(input?.subject).toBe('El servidor de facturación no responde');
    // R001-4: the customer's text is kept up to 2,000 characters, cut at a word, and the cut
    // is told; the first-level steps follow it.
    const [typed] = (input?.description ?? '').split('\n[first level:');
    expect(typed!.length).toBeLessThanOrEqual(2_000);
    expect(typed).toMatch(/ (y|la|aplicación|se|cae)…$/);
    expect(c.keys).toContain('case.textTruncated');
    expect(input?.description).not.toContain('<img');
    expect(input?.description.startsWith('La consola')).toBe(true);
  });

  it('hostile input: cleanText and isNonsense are total', () => {
    expect(cleanText(undefined)).toBe('');
    expect(cleanText('a\u0000b\u200bc')).toBe('abc');
    expect(isNonsense('')).toBe(true);
    expect(isNonsense('La impresora no imprime desde ayer')).toBe(false);
  });
});
