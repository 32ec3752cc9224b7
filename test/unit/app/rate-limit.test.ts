import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../../src/app/rate-limit.ts';

describe('token buckets', () => {
  it('lets a burst through, then one message per 1/rate, and says how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 3, perMinute: 60 }, 100, () => now);
    expect([buckets.take('ana'), buckets.take('ana'), buckets.take('ana')]).toEqual([0, 0, 0]);
    expect(buckets.take('ana')).toBe(1_000);
    now += 400;
    expect(buckets.take('ana')).toBe(600);
    now += 600;
    expect(buckets.take('ana')).toBe(0);
    expect(buckets.take('ana')).toBe(1_000);
    expect(buckets.take('luis')).toBe(0);
    now += 60_000;
    expect([buckets.take('ana'), buckets.take('ana'), buckets.take('ana')]).toEqual([0, 0, 0]);
    expect(buckets.take('ana')).toBeGreaterThan(0);
  });

  it('remembers a bounded number of senders', () => {
    const buckets = new TokenBuckets({ burst: 1, perMinute: 1 }, 1_000, () => 0);
    for (let i = 0; i < 50_000; i++) buckets.take(`user-${i}`);
    expect(buckets.size).toBe(1_000);
  });
});
