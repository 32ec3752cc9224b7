import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, isHoliday, parsePolicy } from '../../../src/domain/policy/index.ts';

const noOverrides = parsePolicy({ holidayOverrides: [] });

describe('holidays', () => {
  it('R003-2: 12 January 2026 is a holiday in Colombia (Reyes Magos, moved to Monday) but not in Mexico', () => {
    expect(isHoliday('CO', '2026-01-12', DEFAULT_POLICY)).toEqual({
      holiday: true,
      name: 'Día de los Reyes Magos',
    });
    expect(isHoliday('MX', '2026-01-12', DEFAULT_POLICY)).toEqual({ holiday: false });
    expect(isHoliday('VE', '2026-02-16', DEFAULT_POLICY).holiday).toBe(true); // Carnaval
  });

  it('R003-2: only public holidays close the office (Jueves Santo is a bank holiday in Mexico)', () => {
    expect(isHoliday('MX', '2026-04-02', DEFAULT_POLICY).holiday).toBe(false);
    expect(isHoliday('CO', '2026-04-02', DEFAULT_POLICY).holiday).toBe(true);
  });

  it('R003-2: the presidential transition is on 1 October in Mexico from 2024 on, not 1 December', () => {
    for (const year of [2024, 2030]) {
      expect(isHoliday('MX', `${year}-10-01`, DEFAULT_POLICY)).toEqual({
        holiday: true,
        name: 'Transmisión del Poder Ejecutivo Federal',
      });
      expect(isHoliday('MX', `${year}-12-01`, DEFAULT_POLICY).holiday).toBe(false);
    }
  });

  it('R003-2: date-holidays still has the transition on 1 December, so the overrides are needed', () => {
    // If this fails, date-holidays was fixed and the default overrides can go.
    expect(isHoliday('MX', '2030-12-01', noOverrides).holiday).toBe(true);
    expect(isHoliday('MX', '2030-10-01', noOverrides).holiday).toBe(false);
  });

  it('R003-2: the last matching override wins, and `holidays: false` turns a country’s holidays off', () => {
    const policy = parsePolicy({
      holidayOverrides: [
        { country: 'CO', date: '2026-01-12', holiday: true },
        { country: 'CO', date: '2026-01-12', holiday: false, note: 'open this year' },
      ],
    });
    expect(isHoliday('CO', '2026-01-12', policy).holiday).toBe(false);
    const off = parsePolicy({ countries: { MX: { holidays: false } } });
    expect(isHoliday('MX', '2026-01-01', off).holiday).toBe(false);
    expect(isHoliday('MX', '2030-10-01', off).holiday).toBe(false);
  });
});
