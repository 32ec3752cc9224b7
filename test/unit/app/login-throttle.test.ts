import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../../src/app/agent-console/login-throttle.ts';

describe('failed log-ins to the agent console are limited per address and per e-mail (issue 15)', () => {
  const limits = { address: { burst: 4, perMinute: 2 }, email: { burst: 2, perMinute: 1 } };

  it('an e-mail out of tries waits, then gets one back as its bucket refills', () => {
    let now = 0;
    const throttle = new LoginThrottle(limits, () => now);
    for (let i = 0; i < 3; i++) throttle.failed('10.0.0.1', 'ana@example.com');
    const wait = throttle.waitMs('10.0.0.2', 'ana@example.com');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60_000);
    // Another e-mail from the same address is not held by this one.
    expect(throttle.waitMs('10.0.0.1', 'bea@example.com')).toBe(0);
    now += wait;
    expect(throttle.waitMs('10.0.0.2', 'ana@example.com')).toBe(0);
  });

  it('an address out of tries waits whatever e-mail it tries', () => {
    let now = 0;
    const throttle = new LoginThrottle(limits, () => now);
    for (let i = 0; i < 5; i++) throttle.failed('10.0.0.9', `user${i}@example.com`);
    expect(throttle.waitMs('10.0.0.9', 'someone-new@example.com')).toBeGreaterThan(0);
    expect(throttle.waitMs('10.0.0.10', 'someone-new@example.com')).toBe(0);
    now += 60_000;
    expect(throttle.waitMs('10.0.0.9', 'someone-new@example.com')).toBe(0);
  });
});
