import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  createBusinessCalendar,
  parsePolicy,
  pausedSolutionDue,
  slaDueTimes,
} from '../../../src/domain/policy/index.ts';

const at = (iso: string): Date => new Date(iso);
const mx = createBusinessCalendar(DEFAULT_POLICY, 'MX');

describe('SLA due times', () => {
  it('R002-5: a P1 case gets first contact within one business hour', () => {
    expect(DEFAULT_POLICY.sla.P1.firstContactMinutes).toBe(60);
    const due = (opened: string): Date =>
      slaDueTimes(at(opened), 'P1', mx, DEFAULT_POLICY).firstContactDue;
    expect(due('2026-01-14T10:00:00-06:00')).toEqual(at('2026-01-14T11:00:00-06:00'));
    expect(due('2026-01-14T11:30:00-06:00')).toEqual(at('2026-01-14T14:30:00-06:00'));
    expect(due('2026-01-16T16:50:00-06:00')).toEqual(at('2026-01-19T07:50:00-06:00'));
  });

  it('R003-6: response and solution times are business days of 480 minutes', () => {
    const opened = at('2026-01-19T09:00:00-06:00'); // Monday
    expect(slaDueTimes(opened, 'P3', mx, DEFAULT_POLICY)).toEqual({
      firstContactDue: at('2026-01-19T15:00:00-06:00'), // 240 business minutes: 180 + 60
      responseDue: at('2026-01-21T09:00:00-06:00'), // 2 business days
      solutionDue: at('2026-01-26T09:00:00-06:00'), // 5 business days, over the weekend
    });
    // P1: half a business day = 240 minutes = 09:00–12:00 + 14:00–15:00
    expect(slaDueTimes(opened, 'P1', mx, DEFAULT_POLICY).responseDue).toEqual(
      at('2026-01-19T15:00:00-06:00'),
    );
  });

  it('R003-6: a case opened on Saturday starts counting on Monday 07:00', () => {
    const due = slaDueTimes(at('2026-01-17T10:00:00-06:00'), 'P2', mx, DEFAULT_POLICY);
    expect(due.firstContactDue).toEqual(at('2026-01-19T09:00:00-06:00'));
    // one business day from Monday 07:00 ends at Monday 17:00
    expect(due.responseDue).toEqual(at('2026-01-19T17:00:00-06:00'));
  });

  it('R003-6: a business day follows the configured windows', () => {
    const policy = parsePolicy({ officeHours: { windows: [{ start: '08:00', end: '14:00' }] } });
    const calendar = createBusinessCalendar(policy, 'MX');
    const due = slaDueTimes(at('2026-01-19T10:00:00-06:00'), 'P2', calendar, policy);
    expect(due.responseDue).toEqual(at('2026-01-20T10:00:00-06:00'));
  });

  it('R003-6: the solution clock pauses while the case waits on the customer', () => {
    const solutionDue = at('2026-01-26T09:00:00-06:00');
    // Tuesday 10:00–16:00 = 120 + 120 business minutes; 09:00 + 240 crosses the lunch gap
    expect(
      pausedSolutionDue(
        solutionDue,
        at('2026-01-20T10:00:00-06:00'),
        at('2026-01-20T16:00:00-06:00'),
        mx,
      ),
    ).toEqual(at('2026-01-26T15:00:00-06:00'));
    // a pause over the weekend costs no business time
    expect(
      pausedSolutionDue(
        solutionDue,
        at('2026-01-23T17:00:00-06:00'),
        at('2026-01-26T07:00:00-06:00'),
        mx,
      ),
    ).toEqual(solutionDue);
  });
});
