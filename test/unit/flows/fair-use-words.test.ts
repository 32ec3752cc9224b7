import { describe, expect, it } from 'vitest';
import {
  isNonsense,
  isOffensive,
  offensiveLanguage,
  reportText,
  withoutInterjections,
} from '../../../src/flows/fair-use/index.ts';

const kindOf = (text: string, country: string | null = null) =>
  offensiveLanguage(text, country)?.kind ?? null;

describe('R001-10: the nonsense filter', () => {
  it('R001-10: never rejects identifiers, numbers, phone numbers, case and folio numbers, e-mails, serials or URLs', () => {
    for (const data of [
      'AT-2026-000001-V1',
      'AT-2026-000001',
      '55 5555 0101',
      '+52 55 5555 0101',
      '1000000',
      '000000',
      'soporte@empresa.com.mx',
      'SRV-MX-0001',
      'https://intranet.empresa.mx/facturas',
      '1234567 !!!',
    ]) {
      expect(isNonsense(data), data).toBe(false);
      expect(reportText(data), data).toBe('data');
    }
  });

  it('R001-10: honest text with emphasis or identifiers inside is words', () => {
    for (const text of [
      'Nooooo funciona la impresora',
      'mi folio AT-2026-000001-V1 sigue sin visita',
      'el teléfono 55 5555 0101 no tiene tono',
      'ok',
      'xd no prende',
      'SN 7777777',
      'The printer says ERROR 0x0000000',
      'A impressora não imprime',
    ]) {
      expect(reportText(text), text).toBe('words');
    }
  });

  it('R001-10: keyboard mash, one letter repeated, symbols or emoji alone are nonsense', () => {
    for (const text of [
      'asdfgh',
      'aaaaaaaaaa',
      'qwerty qwerty',
      '🙂🙂🙂',
      'zzzzzzzz',
      '!!!',
      '',
      'jajajaja',
      'ñlkjh',
    ]) {
      expect(isNonsense(text), text).toBe(true);
    }
  });
});

describe('R001-8: offensive language', () => {
  it('R001-8: insults aimed at the bot, the agent or the company are insults (es, en, pt, word forms)', () => {
    for (const text of [
      'eres una estúpida',
      'estúpida',
      'ESTUUUPIDA',
      'estupidos',
      'p3nd3j0',
      'p*nd*jo',
      'f*ck you',
      'pinche bot inútil',
      'ustedes son unos ladrones',
      'sí, idiota',
      'chinga tu madre',
      'you are stupid',
      'this fucking bot',
      'fuck you',
      'useless bot',
      'vai se foder',
      'você é um idiota',
      'seu suporte é um lixo',
    ]) {
      expect(kindOf(text), text).toBe('insult');
      expect(isOffensive(text), text).toBe(true);
    }
  });

  it('R001-8: interjections aimed at nobody are told apart and are not insults', () => {
    for (const text of [
      '¡carajo, otra vez se cayó!',
      'puta madre ya no sirve',
      'no sirve la pinche impresora',
      'coño, se fue la luz',
      'qué idiota soy, olvidé la clave',
      'fuck, it crashed again',
      'damn printer is jammed again',
      'porra, caiu de novo',
      'caralho',
    ]) {
      expect(kindOf(text), text).toBe('interjection');
      expect(isOffensive(text), text).toBe(false);
    }
  });

  it('R001-8: ordinary words are never offensive (whole words, not substrings)', () => {
    for (const text of [
      'la impresora HP no imprime',
      'la computadora no prende',
      'el cono de la bocina está roto',
      'el sistema es inútil desde ayer',
      'the screen is useless when it freezes',
      'Computadora, documentos, disputa de factura',
      'el servicio es muy lento',
      'a burocracia do suporte',
      'la estupidez del cable suelto',
      '**** no funciona',
      'el *error* aparece al abrir',
    ]) {
      expect(isOffensive(text), text).toBe(false);
    }
  });

  it("R001-8: country lists apply in their country; unknown, every country's applies", () => {
    // "marico"/"marica" is how friends call each other in Venezuela and Colombia: only aimed.
    expect(kindOf('marica, se cayó el internet')).toBeNull();
    expect(kindOf('eres un marico', 'VE')).toBe('insult');
    expect(kindOf('eres un marico', 'MX')).toBeNull();
    expect(kindOf('gonorrea', 'CO')).toBe('insult');
    expect(kindOf('gonorrea')).toBe('insult');
    expect(kindOf('gonorrea', 'MX')).toBeNull();
  });

  it('R001-8: an interjection is taken out of the answer; insults and ordinary text are left whole', () => {
    expect(withoutInterjections('¡carajo, no tiene luz!')).toBe('no tiene luz!');
    expect(withoutInterjections('sí, puta madre')).toBe('sí,');
    expect(withoutInterjections('no sirve la pinche impresora')).toBe('no sirve la impresora');
    expect(withoutInterjections('eres una estúpida')).toBe('eres una estúpida');
    expect(withoutInterjections('no, la computadora no prende')).toBe(
      'no, la computadora no prende',
    );
  });

  it('R001-8: the words found are reported for the abuse record', () => {
    expect(offensiveLanguage('pinche bot inútil')?.words.sort()).toEqual(['inutil', 'pinche']);
  });
});
