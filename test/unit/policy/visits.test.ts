import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  FREE_RESCHEDULE_REASONS,
  createBusinessCalendar,
  customerLate,
  grantsExtraFreeReschedule,
  rescheduleCost,
  visitSlots,
} from '../../../src/domain/policy/index.ts';

const at = (iso: string): Date => new Date(iso);
const mx = createBusinessCalendar(DEFAULT_POLICY, 'MX');
const co = createBusinessCalendar(DEFAULT_POLICY, 'CO');

describe('visits', () => {
  it('R000-5: rescheduling is free with at least 8 business hours of notice', () => {
    const visit = at('2026-01-21T10:00:00-06:00'); // Wednesday
    // Tuesday 10:00 → Wednesday 10:00 = 120 + 180 + 180 = 480 business minutes
    expect(rescheduleCost(visit, at('2026-01-20T10:00:00-06:00'), mx, DEFAULT_POLICY, 0)).toBe(
      'free',
    );
    expect(rescheduleCost(visit, at('2026-01-20T10:01:00-06:00'), mx, DEFAULT_POLICY, 0)).toBe(
      'charged',
    );
  });

  it('R000-5: the notice is business time: a weekend in between does not count', () => {
    // Friday 11:00 → Monday 09:00 is 70 calendar hours but 60 + 180 + 120 = 360 business minutes
    expect(
      rescheduleCost(
        at('2026-01-19T09:00:00-06:00'),
        at('2026-01-16T11:00:00-06:00'),
        mx,
        DEFAULT_POLICY,
        0,
      ),
    ).toBe('charged');
  });

  it('R000-8: no stable internet for a remote service grants one more free reschedule', () => {
    expect(grantsExtraFreeReschedule('no-internet')).toBe(true);
    expect(grantsExtraFreeReschedule('documents-not-ready')).toBe(false);
    const late = at('2026-01-21T09:30:00-06:00');
    const visit = at('2026-01-21T10:00:00-06:00');
    expect(rescheduleCost(visit, late, mx, DEFAULT_POLICY, 1)).toBe('free');
    expect(rescheduleCost(visit, late, mx, DEFAULT_POLICY, 0)).toBe('charged');
  });

  it('R000-9: equipment with viruses grants one more free reschedule', () => {
    expect(grantsExtraFreeReschedule('virus')).toBe(true);
    expect(FREE_RESCHEDULE_REASONS).toContain('virus');
  });

  it('R000-10: more than 10 minutes late cancels the service, with one more free reschedule', () => {
    const agreed = at('2026-01-21T10:00:00-06:00');
    expect(customerLate(agreed, at('2026-01-21T09:55:00-06:00'), DEFAULT_POLICY)).toBe(false);
    expect(customerLate(agreed, at('2026-01-21T10:10:00-06:00'), DEFAULT_POLICY)).toBe(false);
    expect(customerLate(agreed, at('2026-01-21T10:10:01-06:00'), DEFAULT_POLICY)).toBe(true);
    expect(grantsExtraFreeReschedule('customer-absent')).toBe(true);
  });

  it('R002-6: offers the next four 2-hour slots inside office hours, one business hour ahead', () => {
    const slots = visitSlots(mx, at('2026-01-14T08:30:00-06:00'), DEFAULT_POLICY);
    expect(slots.map((s) => s.start)).toEqual([
      at('2026-01-14T14:00:00-06:00'),
      at('2026-01-15T07:00:00-06:00'),
      at('2026-01-15T09:00:00-06:00'),
      at('2026-01-15T14:00:00-06:00'),
    ]);
    expect(slots[0]?.end).toEqual(at('2026-01-14T16:00:00-06:00'));
  });

  it('R002-6: slots skip weekends and the country’s holidays', () => {
    // Friday 16:30 in Bogotá; Monday 12 January 2026 is a Colombian holiday
    const slots = visitSlots(co, at('2026-01-09T16:30:00-05:00'), DEFAULT_POLICY);
    expect(slots.map((s) => s.start)).toEqual([
      at('2026-01-13T09:00:00-05:00'),
      at('2026-01-13T14:00:00-05:00'),
      at('2026-01-14T07:00:00-05:00'),
      at('2026-01-14T09:00:00-05:00'),
    ]);
  });
});
