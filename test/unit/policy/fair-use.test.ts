import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  abuseOutcome,
  chatLimitDue,
  chatLimitReached,
  followUpAllowed,
  parsePolicy,
  suspendedUntil,
} from '../../../src/domain/policy/index.ts';

const start = new Date('2026-01-17T22:00:00-06:00'); // a Saturday night: calendar minutes
const plus = (minutes: number): Date => new Date(start.getTime() + minutes * 60_000);

describe('fair use', () => {
  it('R001-6: no follow-up on a ticket before 40 minutes have passed', () => {
    expect(followUpAllowed(start, plus(0), DEFAULT_POLICY)).toEqual({
      allowed: false,
      waitMinutes: 40,
    });
    expect(followUpAllowed(start, plus(39.5), DEFAULT_POLICY)).toEqual({
      allowed: false,
      waitMinutes: 1,
    });
    expect(followUpAllowed(start, plus(40), DEFAULT_POLICY)).toEqual({
      allowed: true,
      waitMinutes: 0,
    });
  });

  it('R001-7: a chat session turns into a ticket at 20 minutes', () => {
    expect(chatLimitDue(start, DEFAULT_POLICY)).toEqual(plus(20));
    expect(chatLimitReached(start, plus(19.99), DEFAULT_POLICY)).toBe(false);
    expect(chatLimitReached(start, plus(20), DEFAULT_POLICY)).toBe(true);
    const longer = parsePolicy({ fairUse: { chatLimitMinutes: 30 } });
    expect(chatLimitReached(start, plus(25), longer)).toBe(false);
  });

  it('R001-8: rude language earns warnings before a suspension', () => {
    expect(abuseOutcome(0, DEFAULT_POLICY)).toBe('warn');
    expect(abuseOutcome(1, DEFAULT_POLICY)).toBe('warn');
    expect(abuseOutcome(2, DEFAULT_POLICY)).toBe('suspend');
  });

  it('R001-11: support is suspended for 24 hours, or permanently when configured with 0', () => {
    expect(suspendedUntil(start, DEFAULT_POLICY)).toEqual(plus(24 * 60));
    expect(suspendedUntil(start, parsePolicy({ fairUse: { suspensionHours: 0 } }))).toBeNull();
  });
});
