import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/domain/errors.ts';
import {
  DEFAULT_POLICY,
  createBusinessCalendar,
  parsePolicy,
} from '../../../src/domain/policy/index.ts';

const at = (iso: string): Date => new Date(iso);
const mx = createBusinessCalendar(DEFAULT_POLICY, 'MX');
const co = createBusinessCalendar(DEFAULT_POLICY, 'CO');
const ve = createBusinessCalendar(DEFAULT_POLICY, 'VE');

describe('business calendar', () => {
  it('R003-2: 11:30 + 60 business minutes lands at 14:30 after the lunch gap', () => {
    expect(mx.addBusinessMinutes(at('2026-01-14T11:30:00-06:00'), 60)).toEqual(
      at('2026-01-14T14:30:00-06:00'),
    );
  });

  it('R003-2: a case opened Friday 16:50 + 60 business minutes is due Monday 07:50', () => {
    expect(mx.addBusinessMinutes(at('2026-01-16T16:50:00-06:00'), 60)).toEqual(
      at('2026-01-19T07:50:00-06:00'),
    );
  });

  it('R003-2: window edges: 07:00 and 14:00 are business time, 12:00 and 17:00 are not', () => {
    const wed = (hhmm: string): boolean => mx.isBusinessTime(at(`2026-01-14T${hhmm}:00-06:00`));
    expect([wed('06:59'), wed('07:00'), wed('11:59'), wed('12:00'), wed('13:59')]).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
    expect([wed('14:00'), wed('16:59'), wed('17:00')]).toEqual([true, true, false]);
  });

  it('R003-2: no attention on Saturdays and Sundays', () => {
    expect(mx.isBusinessTime(at('2026-01-17T10:00:00-06:00'))).toBe(false);
    expect(mx.isBusinessTime(at('2026-01-18T10:00:00-06:00'))).toBe(false);
    expect(mx.nextBusinessInstant(at('2026-01-17T10:00:00-06:00'))).toEqual(
      at('2026-01-19T07:00:00-06:00'),
    );
    expect(mx.nextBusinessInstant(at('2026-01-19T10:00:00-06:00'))).toEqual(
      at('2026-01-19T10:00:00-06:00'),
    );
    expect(
      mx.businessMinutesBetween(at('2026-01-16T17:00:00-06:00'), at('2026-01-19T07:00:00-06:00')),
    ).toBe(0);
  });

  it('R003-2: a Colombian holiday (12 January 2026) is a business day in Mexico', () => {
    expect(co.isBusinessTime(at('2026-01-12T10:00:00-05:00'))).toBe(false);
    expect(mx.isBusinessTime(at('2026-01-12T10:00:00-06:00'))).toBe(true);
    // Friday 16:50 + 60: Monday in Mexico, Tuesday in Colombia
    expect(co.addBusinessMinutes(at('2026-01-09T16:50:00-05:00'), 60)).toEqual(
      at('2026-01-13T07:50:00-05:00'),
    );
    expect(mx.addBusinessMinutes(at('2026-01-09T16:50:00-06:00'), 60)).toEqual(
      at('2026-01-12T07:50:00-06:00'),
    );
  });

  it('R003-2: office hours are local: one UTC instant is business time in one country and not another', () => {
    const open = (t: string): boolean[] => [mx, co, ve].map((c) => c.isBusinessTime(at(t)));
    // 11:30Z = 05:30 Mexico City (UTC-6), 06:30 Bogotá (UTC-5), 07:30 Caracas (UTC-4)
    expect(open('2026-01-14T11:30:00Z')).toEqual([false, false, true]);
    // 12:30Z = 06:30 Mexico City, 07:30 Bogotá, 08:30 Caracas
    expect(open('2026-01-14T12:30:00Z')).toEqual([false, true, true]);
    // 22:30Z = 16:30 Mexico City, 17:30 Bogotá, 18:30 Caracas
    expect(open('2026-01-14T22:30:00Z')).toEqual([true, false, false]);
  });

  it('R003-2: a zone with daylight saving time keeps local office hours across the change', () => {
    const tijuana = createBusinessCalendar(DEFAULT_POLICY, 'MX', 'America/Tijuana');
    // US/Tijuana DST starts Sunday 8 March 2026: Friday is UTC-8, Monday UTC-7.
    expect(tijuana.addBusinessMinutes(at('2026-03-06T16:50:00-08:00'), 60)).toEqual(
      at('2026-03-09T07:50:00-07:00'),
    );
  });

  it('R003-2: 1 October 2030 (presidential transition) is a holiday in Mexico through the override', () => {
    expect(mx.isBusinessTime(at('2030-10-01T10:00:00-06:00'))).toBe(false);
    expect(mx.addBusinessMinutes(at('2030-09-30T16:50:00-06:00'), 60)).toEqual(
      at('2030-10-02T07:50:00-06:00'),
    );
    const stale = createBusinessCalendar(parsePolicy({ holidayOverrides: [] }), 'MX');
    expect(stale.isBusinessTime(at('2030-10-01T10:00:00-06:00'))).toBe(true);
  });

  it('R003-2: a business day is 480 business minutes', () => {
    expect(
      mx.businessMinutesBetween(at('2026-01-14T00:00:00-06:00'), at('2026-01-15T00:00:00-06:00')),
    ).toBe(480);
    expect(
      mx.businessMinutesBetween(at('2026-01-12T00:00:00-06:00'), at('2026-01-19T00:00:00-06:00')),
    ).toBe(5 * 480);
  });

  it('R003-2: adds 15 business days by intervals, skipping weekends and Constitution Day', () => {
    const start = at('2026-01-14T11:30:00-06:00');
    const due = mx.addBusinessMinutes(start, 15 * 480);
    // 2 February 2026 (Día de la Constitución) is skipped
    expect(due).toEqual(at('2026-02-05T11:30:00-06:00'));
    expect(mx.businessMinutesBetween(start, due)).toBe(15 * 480);
    expect(mx.businessMinutesBetween(due, start)).toBe(-15 * 480);
  });

  it('R003-2: lists business intervals clipped to the range', () => {
    expect(
      mx.businessIntervals(at('2026-01-16T10:00:00-06:00'), at('2026-01-19T08:00:00-06:00')),
    ).toEqual([
      { start: at('2026-01-16T10:00:00-06:00'), end: at('2026-01-16T12:00:00-06:00') },
      { start: at('2026-01-16T14:00:00-06:00'), end: at('2026-01-16T17:00:00-06:00') },
      { start: at('2026-01-19T07:00:00-06:00'), end: at('2026-01-19T08:00:00-06:00') },
    ]);
  });

  it('R003-3: announced extended hours add business time (a Saturday morning, an evening)', () => {
    const policy = parsePolicy({
      announcements: [
        {
          kind: 'extension',
          country: 'MX',
          from: '2026-01-17T09:00:00-06:00',
          to: '2026-01-17T13:00:00-06:00',
        },
        { kind: 'extension', from: '2026-01-14T17:00:00-06:00', to: '2026-01-14T19:00:00-06:00' },
      ],
    });
    const extended = createBusinessCalendar(policy, 'MX');
    expect(extended.isBusinessTime(at('2026-01-17T10:00:00-06:00'))).toBe(true);
    expect(extended.addBusinessMinutes(at('2026-01-16T16:50:00-06:00'), 60)).toEqual(
      at('2026-01-17T09:50:00-06:00'),
    );
    // the evening extension continues the afternoon window
    expect(extended.addBusinessMinutes(at('2026-01-14T16:30:00-06:00'), 60)).toEqual(
      at('2026-01-14T17:30:00-06:00'),
    );
    // the Saturday extension was announced for Mexico only
    const colombia = createBusinessCalendar(policy, 'CO');
    expect(colombia.isBusinessTime(at('2026-01-17T10:00:00-06:00'))).toBe(false);
  });

  it('R003-4: an announced suspension removes business time', () => {
    const policy = parsePolicy({
      announcements: [
        {
          kind: 'suspension',
          from: '2026-01-14T07:00:00-06:00',
          to: '2026-01-14T12:00:00-06:00',
          note: 'training',
        },
      ],
    });
    const suspended = createBusinessCalendar(policy, 'MX');
    expect(suspended.isBusinessTime(at('2026-01-14T10:00:00-06:00'))).toBe(false);
    expect(suspended.nextBusinessInstant(at('2026-01-14T06:00:00-06:00'))).toEqual(
      at('2026-01-14T14:00:00-06:00'),
    );
    expect(suspended.addBusinessMinutes(at('2026-01-13T16:30:00-06:00'), 60)).toEqual(
      at('2026-01-14T14:30:00-06:00'),
    );
    expect(mx.addBusinessMinutes(at('2026-01-13T16:30:00-06:00'), 60)).toEqual(
      at('2026-01-14T07:30:00-06:00'),
    );
  });

  it('R003-2: refuses an unknown country or time zone', () => {
    expect(() => createBusinessCalendar(DEFAULT_POLICY, 'AR')).toThrow(ConfigurationError);
    expect(() => createBusinessCalendar(DEFAULT_POLICY, 'MX', 'Mexico/Nowhere')).toThrow(
      '"Mexico/Nowhere" is not an IANA time zone',
    );
  });

  it('R003-2: days start at local midnight, also across a daylight-saving change', () => {
    expect(mx.startOfDay(new Date('2026-03-10T05:30:00Z'))).toEqual(
      new Date('2026-03-09T06:00:00Z'),
    );
    // Tijuana springs forward on 8 March 2026: that day starts at 00:00 PST (UTC-8) and the
    // next one at 00:00 PDT (UTC-7).
    const tijuana = createBusinessCalendar(DEFAULT_POLICY, 'MX', 'America/Tijuana');
    expect(tijuana.startOfDay(new Date('2026-03-08T20:00:00Z'))).toEqual(
      new Date('2026-03-08T08:00:00Z'),
    );
    expect(tijuana.startOfDay(new Date('2026-03-09T07:30:00Z'))).toEqual(
      new Date('2026-03-09T07:00:00Z'),
    );
    // Business time the day after still opens at 07:00 local, now UTC-7.
    expect(tijuana.isBusinessTime(new Date('2026-03-09T13:59:00Z'))).toBe(false);
    expect(tijuana.isBusinessTime(new Date('2026-03-09T14:00:00Z'))).toBe(true);
  });
});
