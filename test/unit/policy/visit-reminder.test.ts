import { describe, expect, it } from 'vitest';
import {
  createBusinessCalendar,
  DEFAULT_POLICY,
  visitReminderAt,
} from '../../../src/domain/policy/index.ts';

// Mexico City is UTC-6 in March 2026; office hours open at 07:00.
const mx = createBusinessCalendar(DEFAULT_POLICY, 'MX');

describe('the visit reminder instant (issue 16)', () => {
  it('reminds a Thursday visit on Wednesday at opening', () => {
    expect(visitReminderAt(mx, new Date('2026-03-12T16:00:00Z'))).toEqual(
      new Date('2026-03-11T13:00:00Z'),
    );
  });

  it('reminds a Monday visit on the Friday before, across the weekend', () => {
    expect(visitReminderAt(mx, new Date('2026-03-09T16:00:00Z'))).toEqual(
      new Date('2026-03-06T13:00:00Z'),
    );
  });

  it('skips a holiday: a Tuesday visit after the Monday holiday of 16 March is reminded on Friday 13', () => {
    expect(visitReminderAt(mx, new Date('2026-03-17T16:00:00Z'))).toEqual(
      new Date('2026-03-13T13:00:00Z'),
    );
  });

  it('counts the configured business days back, or the visit day itself at 0', () => {
    expect(visitReminderAt(mx, new Date('2026-03-12T16:00:00Z'), 2)).toEqual(
      new Date('2026-03-10T13:00:00Z'),
    );
    expect(visitReminderAt(mx, new Date('2026-03-12T16:00:00Z'), 0)).toEqual(
      new Date('2026-03-12T13:00:00Z'),
    );
  });
});
