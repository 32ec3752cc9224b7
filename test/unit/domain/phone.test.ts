import { describe, expect, it } from 'vitest';
import { phoneKey, phoneKeys, samePhone } from '../../../src/domain/phone.ts';

describe('phone numbers as keys to match people by', () => {
  it('gives one key to the national and international forms of a Mexican number', () => {
    const stored = phoneKey('+52 55 5555 0101');
    expect(stored).toBe('525555550101');
    expect(phoneKey('55 5555 0101', 'MX')).toBe(stored);
    expect(phoneKey('(55) 5555-0101', 'MX')).toBe(stored);
    expect(phoneKey('0052 55 5555 0101')).toBe(stored);
    expect(phoneKey('044 55 5555 0101', 'MX')).toBe(stored);
    expect(phoneKey('525555550101')).toBe(stored);
  });

  it("folds Mexico's old mobile 1 (+521) whichever way it is written", () => {
    const key = phoneKey('+52 33 3333 0202');
    expect(phoneKey('+52 1 33 3333 0202')).toBe(key);
    expect(phoneKey('5213333330202')).toBe(key);
    expect(phoneKey('33 3333 0202', 'MX')).toBe(key);
  });

  it("folds Argentina's mobile 9 (+549), and reads its national mobile form", () => {
    const key = phoneKey('+54 11 2345 6789');
    expect(phoneKey('+54 9 11 2345 6789')).toBe(key);
    expect(phoneKey('5491123456789')).toBe(key);
    expect(phoneKey('011 15 2345-6789', 'AR')).toBe(key);
  });

  it('reads Colombian and Venezuelan national forms in their country', () => {
    expect(phoneKey('601 555 0404', 'CO')).toBe(phoneKey('+57 601 555 0404'));
    expect(phoneKey('0212 555 0505', 'VE')).toBe(phoneKey('+58 212 555 0505'));
  });

  it('does not read a number as national where it is not valid', () => {
    expect(phoneKeys('55 5555 0101', ['MX', 'CO', 'VE'])).toEqual(['5555550101', '525555550101']);
    expect(phoneKey('12')).toBe('12');
    expect(phoneKey('sin teléfono')).toBe('');
    expect(phoneKeys('', ['MX'])).toEqual([]);
  });

  it('tells whether two written numbers are one line', () => {
    expect(samePhone('55 5555 0101', '+52 55 5555 0101', 'MX')).toBe(true);
    expect(samePhone('55 5555 0102', '+52 55 5555 0101', 'MX')).toBe(false);
    expect(samePhone('', '', 'MX')).toBe(false);
  });
});
