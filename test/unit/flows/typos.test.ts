/**
 * Issue 13: a word one letter off a known word (WhatsApp typos) is read as that word, and a
 * typo that could be two different words is left alone (never guess between two).
 */
import { describe, expect, it } from 'vitest';
import { TypoFixer } from '../../../src/flows/meaning/typos.ts';
import { classifyIntent } from '../../../src/flows/meaning/intents.ts';

describe('typos', () => {
  const fixer = new TypoFixer(['impresora', 'impresoras', 'factura', 'fractura', 'cancelar']);

  it('reads a word with a letter missing, extra, wrong or swapped as the known word', () => {
    expect(fixer.fix('inpresora')).toBe('impresora');
    expect(fixer.fix('impresra')).toBe('impresora');
    expect(fixer.fix('cancelarr')).toBe('cancelar');
    expect(fixer.fix('canclear')).toBe('cancelar');
  });

  it('leaves known, short, numeric and far-off words as they are', () => {
    expect(fixer.fix('impresora')).toBe('impresora');
    expect(fixer.fix('mis')).toBe('mis');
    expect(fixer.fix('12345')).toBe('12345');
    expect(fixer.fix('computadora')).toBe('computadora');
  });

  it('never guesses between two words that mean different things', () => {
    // One letter off both "vender" (to sell) and "vencer" (to fall due).
    expect(new TypoFixer(['vender', 'vencer']).fix('venler')).toBe('venler');
    expect(new TypoFixer(['vender', 'vencer']).fix('vendre')).toBe('vender');
  });

  it('takes two forms of the same word for one when told they mean the same', () => {
    const byStem = new TypoFixer(['impresora', 'impresoras'], (w) => w.replace(/s$/, ''));
    expect(['impresora', 'impresoras']).toContain(byStem.fix('impresoraa'));
    expect(new TypoFixer(['impresora', 'impresoras']).fix('impresoraa')).toBe('impresoraa');
  });

  it('a triage message with a typo still reaches its intent', () => {
    const intents = ['technical', 'doubt', 'complaint', 'invoice', 'cancellation'];
    expect(classifyIntent('quiero cancelr el contarto', 'es', intents)?.intent).toBe(
      'cancellation',
    );
    expect(classifyIntent('la inpresora no inprime', 'es', intents)?.intent).toBe('technical');
  });
});
