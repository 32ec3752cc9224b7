import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import { personKeys, type AbuseRecord } from '../../../src/domain/fair-use/index.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { openTestConnection } from '../../support/database.ts';

const AT = new Date('2026-03-10T16:00:00Z');

/** A breach of a person at `AT` plus `seconds`. */
function breach(
  conversationId: string,
  id: string,
  seconds = 0,
  phone: string | null = null,
): Omit<AbuseRecord, 'suspension'> {
  return {
    id,
    person: personKeys(conversationId, phone),
    conversationId,
    accountNumber: 'MX-1001',
    rule: 'R001-8',
    words: ['estupida'],
    text: 'eres una estúpida',
    at: new Date(AT.getTime() + seconds * 1000),
  };
}

describe('fair use per person on the embedded database (R001-8, R001-11)', () => {
  let domain: Domain;

  beforeAll(async () => {
    domain = createDomain(await openTestConnection(), DEFAULT_POLICY, new ManualClock(AT));
    await domain.init();
  });

  it("R001-11: the third breach suspends the person for the policy's 24 hours; another contact of the same account is not suspended", async () => {
    const run = `p1-${Date.now()}`;
    expect(await domain.abuse.record(breach(`${run}:a`, `${run}:1`, 0))).toEqual({
      warnings: 1,
      suspension: null,
    });
    expect((await domain.abuse.record(breach(`${run}:a`, `${run}:2`, 1))).warnings).toBe(2);
    const third = await domain.abuse.record(breach(`${run}:a`, `${run}:3`, 2));
    expect(third.warnings).toBe(3);
    expect(third.suspension).toEqual({
      until: new Date(AT.getTime() + 2_000 + 24 * 3_600_000),
      hours: 24,
    });
    const keys = personKeys(`${run}:a`, null);
    expect(await domain.abuse.suspensionOf(keys, new Date(AT.getTime() + 3_600_000))).toEqual(
      third.suspension,
    );
    // Over when the time is up; a colleague at the same company was never suspended.
    expect(
      await domain.abuse.suspensionOf(keys, new Date(AT.getTime() + 25 * 3_600_000)),
    ).toBeNull();
    expect(await domain.abuse.suspensionOf(personKeys(`${run}:b`, null), AT)).toBeNull();
    // Agents read the reason: rule, words, when.
    const history = await domain.abuse.history({ person: keys[0]! });
    expect(history.map((r) => [r.rule, r.words, r.at.toISOString()])[0]).toEqual([
      'R001-8',
      ['estupida'],
      new Date(AT.getTime() + 2_000).toISOString(),
    ]);
  });

  it('R001-8 (decision 0): a breach recorded again under its key counts once', async () => {
    const run = `p2-${Date.now()}`;
    const first = await domain.abuse.record(breach(run, `${run}:1`));
    const again = await domain.abuse.record(breach(run, `${run}:1`));
    expect(again).toEqual(first);
    expect(await domain.abuse.model.countDocuments({ conversationId: run })).toBe(1);
  });

  it('R001-8, R001-11 (decision 0): breaches at once from the same person all count, and exactly the one past the warnings suspends', async () => {
    const run = `p3-${Date.now()}`;
    const phone = '+52 55 5555 0101';
    // Eight breaches in parallel, from two conversations of the same verified phone.
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        domain.abuse.record(breach(`${run}:${i % 2}`, `${run}:${i}`, i, phone)),
      ),
    );
    // Counted, never lost: the last to count sees all eight; a warning count past
    // abuseWarningsBeforeSuspension (2) always suspends, one within it never does.
    expect(Math.max(...outcomes.map((o) => o.warnings))).toBe(8);
    for (const o of outcomes) expect(o.suspension !== null).toBe(o.warnings > 2);
    expect(await domain.abuse.model.countDocuments({ person: `phone:525555550101` })).toBe(8);
    expect(await domain.abuse.suspensionOf(personKeys('other', phone), AT)).not.toBeNull();
  });

  it('R001-11: suspensionHours 0 suspends permanently', async () => {
    const permanent = createDomain(
      await openTestConnection(),
      { ...DEFAULT_POLICY, fairUse: { ...DEFAULT_POLICY.fairUse, suspensionHours: 0 } },
      new ManualClock(AT),
    );
    const run = `p4-${Date.now()}`;
    for (let i = 0; i < 3; i++) await permanent.abuse.record(breach(run, `${run}:${i}`, i));
    const far = new Date('2036-01-01T00:00:00Z');
    expect(await permanent.abuse.suspensionOf(personKeys(run, null), far)).toEqual({
      until: null,
      hours: 0,
    });
  });
});
