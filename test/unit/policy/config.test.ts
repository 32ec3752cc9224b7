import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/domain/errors.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../../src/domain/policy/index.ts';

/** The message parsePolicy throws for `input`, or a failure if it accepts it. */
function errorOf(input: unknown): ConfigurationError {
  try {
    parsePolicy(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error(`parsePolicy accepted ${JSON.stringify(input)}`);
}

describe('policy configuration', () => {
  it('accepts no input and returns the catalogue defaults', () => {
    expect(parsePolicy()).toEqual(DEFAULT_POLICY);
    expect(parsePolicy({})).toEqual(DEFAULT_POLICY);
  });

  it('R003-2: defaults to Monday–Friday 07:00–12:00 and 14:00–17:00', () => {
    expect(DEFAULT_POLICY.officeHours).toEqual({
      days: [1, 2, 3, 4, 5],
      windows: [
        { start: '07:00', end: '12:00' },
        { start: '14:00', end: '17:00' },
      ],
    });
  });

  it('R003-2: a business day is 5 h + 3 h = 480 minutes, derived from the windows', () => {
    expect(DEFAULT_POLICY.businessDayMinutes).toBe(480);
    const shorter = parsePolicy({ officeHours: { windows: [{ start: '08:00', end: '13:00' }] } });
    expect(shorter.businessDayMinutes).toBe(300);
    expect(errorOf({ businessDayMinutes: 500 }).message).toBe(
      'policy.businessDayMinutes: 500 must equal the sum of the office-hour windows (480)',
    );
  });

  it('merges a partial object deeply over the defaults; lists replace', () => {
    const policy = parsePolicy({
      countries: { MX: { timeZone: 'America/Tijuana' } },
      priority: { matrix: { low: { low: 'P4' } } },
      officeHours: { days: [1, 2, 3, 4, 5, 6] },
    });
    expect(policy.countries.MX).toEqual({ timeZone: 'America/Tijuana', holidays: true });
    expect(policy.countries.CO).toEqual(DEFAULT_POLICY.countries.CO);
    expect(policy.priority.matrix.low).toEqual({
      ...DEFAULT_POLICY.priority.matrix.low,
      low: 'P4',
    });
    expect(policy.officeHours.days).toEqual([1, 2, 3, 4, 5, 6]);
    expect(policy.officeHours.windows).toEqual(DEFAULT_POLICY.officeHours.windows);
  });

  it('keeps DEFAULT_POLICY frozen so a deployment cannot change another one', () => {
    expect(Object.isFrozen(DEFAULT_POLICY.officeHours.windows)).toBe(true);
    const policy = parsePolicy();
    policy.officeHours.days.push(6);
    expect(DEFAULT_POLICY.officeHours.days).toEqual([1, 2, 3, 4, 5]);
  });

  it('R003-2: names the path and value of a window that is not a time', () => {
    const error = errorOf({
      officeHours: {
        windows: [
          { start: '07:00', end: '12:00' },
          { start: '25:00', end: '17:00' },
        ],
      },
    });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('policy.officeHours.windows[1].start: "25:00" is not a time HH:mm');
  });

  it('R003-2: rejects a window that ends before it starts, overlapping and unsorted windows', () => {
    expect(errorOf({ officeHours: { windows: [{ start: '12:00', end: '07:00' }] } }).message).toBe(
      'policy.officeHours.windows[0].end: "07:00" must end after it starts',
    );
    const overlapping = errorOf({
      officeHours: {
        windows: [
          { start: '07:00', end: '12:00' },
          { start: '11:00', end: '17:00' },
        ],
      },
    });
    expect(overlapping.message).toContain(
      'policy.officeHours.windows[1].start: "11:00" must not start before the end of windows[0] (12:00)',
    );
    const unsorted = errorOf({
      officeHours: {
        windows: [
          { start: '14:00', end: '17:00' },
          { start: '07:00', end: '12:00' },
        ],
      },
    });
    expect(unsorted.message).toContain('policy.officeHours.windows[1].start: "07:00"');
  });

  it('R003-2: rejects weekdays outside 1–7, repeated days and an empty week', () => {
    expect(errorOf({ officeHours: { days: [1, 8] } }).message).toBe(
      'policy.officeHours.days[1]: 8 must be at most 7',
    );
    expect(errorOf({ officeHours: { days: [1, 1] } }).message).toBe(
      'policy.officeHours.days[1]: 1 is repeated',
    );
    expect(errorOf({ officeHours: { days: [] } }).message).toBe(
      'policy.officeHours.days: [] must have at least 1 item(s)',
    );
  });

  it('rejects an unknown time zone, country and setting, naming each', () => {
    expect(errorOf({ countries: { CO: { timeZone: 'America/Bogata' } } }).message).toBe(
      'policy.countries.CO.timeZone: "America/Bogata" is not an IANA time zone (e.g. "America/Mexico_City")',
    );
    expect(errorOf({ officeHours: { dayz: [1] } }).message).toBe(
      'policy.officeHours.dayz: [1] is not a known setting',
    );
    expect(
      errorOf({ countries: { AR: { timeZone: 'America/Buenos_Aires', holidays: true } } }).message,
    ).toContain('policy.countries.AR');
  });

  it('R003-3 / R003-4: rejects an announcement without an offset or ending before it starts', () => {
    const error = errorOf({
      announcements: [
        { kind: 'extension', from: '2026-01-17T09:00:00', to: '2026-01-17T13:00:00-06:00' },
        { kind: 'suspension', from: '2026-01-17T13:00:00Z', to: '2026-01-17T09:00:00Z' },
      ],
    });
    expect(error.message).toBe(
      [
        'policy.announcements[0].from: "2026-01-17T09:00:00" is not an ISO instant with its offset (e.g. "2026-03-02T07:00:00-06:00")',
        'policy.announcements[1].to: "2026-01-17T09:00:00Z" must be later than "from"',
      ].join('\n'),
    );
  });

  it('rejects a holiday override on an impossible date', () => {
    expect(
      errorOf({ holidayOverrides: [{ country: 'MX', date: '2030-02-30', holiday: true }] }).message,
    ).toBe('policy.holidayOverrides[0].date: "2030-02-30" is not a date YYYY-MM-DD');
  });

  it('R003-6: rejects a solution time shorter than the response time and non-numbers', () => {
    expect(errorOf({ sla: { P3: { solutionBusinessDays: 1 } } }).message).toBe(
      'policy.sla.P3.solutionBusinessDays: 1 must not be shorter than responseBusinessDays',
    );
    expect(errorOf({ sla: { P1: { firstContactMinutes: '60' } } }).message).toBe(
      'policy.sla.P1.firstContactMinutes: "60" is not a number',
    );
  });

  it('rejects a priority outside P1–P5, a language not supported and a slot longer than a window', () => {
    expect(errorOf({ priority: { fairUse: { high: 'P0' } } }).message).toBe(
      'policy.priority.fairUse.high: "P0" is not one of "P1", "P2", "P3", "P4", "P5"',
    );
    expect(errorOf({ language: { default: 'pt', supported: ['es'] } }).message).toBe(
      'policy.language.default: "pt" must be one of the supported languages',
    );
    expect(errorOf({ visits: { slotMinutes: 360 } }).message).toBe(
      'policy.visits.slotMinutes: 360 must fit in the longest office-hour window (300 minutes)',
    );
  });

  it('rejects a policy that is not an object', () => {
    expect(errorOf('hello').message).toBe('policy: "hello" is not an object');
    expect(errorOf([1]).message).toBe('policy: [1] is not an object');
  });
});
