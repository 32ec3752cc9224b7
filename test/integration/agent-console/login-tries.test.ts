/**
 * Log-in tries to the agent console are limited across processes: two `LoginTries` on one
 * database stand for two atiende processes, each with its own memory.
 */
import { describe, expect, it } from 'vitest';
import { LoginTries } from '../../../src/domain/agents/login-tries.ts';
import type { Clock } from '../../../src/domain/clock.ts';
import { openTestConnection } from '../../support/database.ts';

const connection = await openTestConnection();

/** A clock the test moves. */
function clockAt(iso: string): Clock & { advance(ms: number): void } {
  let now = new Date(iso).getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

const limits = { address: { tries: 6, minutes: 5 }, email: { tries: 3, minutes: 5 } };

describe('log-in tries, shared by every process (issue 15: n processes gave n times the guesses)', () => {
  it('racing tries at one e-mail, on two processes, get exactly the limit between them', async () => {
    const clock = clockAt('2026-11-28T10:01:00Z');
    const processes = [
      new LoginTries(connection, clock, limits),
      new LoginTries(connection, clock, limits),
    ];
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        processes[i % 2]!.take(`10.0.0.${i}`, 'race@example.com'),
      ),
    );
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(3);
    const refused = outcomes.find((o) => !o.allowed);
    // Refused until the 5-minute window ends: 10:05.
    expect(refused).toEqual({ allowed: false, retryAfterMs: 4 * 60_000 });
  });

  it('an address out of tries is refused whatever e-mail it tries, on either process; another address is not', async () => {
    const clock = clockAt('2026-11-28T11:00:30Z');
    const [a, b] = [
      new LoginTries(connection, clock, limits),
      new LoginTries(connection, clock, limits),
    ];
    for (let i = 0; i < 6; i++)
      expect((await (i % 2 ? a : b).take('10.9.9.9', `spray${i}@example.com`)).allowed).toBe(true);
    expect((await a.take('10.9.9.9', 'someone-new@example.com')).allowed).toBe(false);
    expect((await b.take('10.9.9.9', 'someone-new@example.com')).allowed).toBe(false);
    expect((await b.take('10.9.9.10', 'someone-new@example.com')).allowed).toBe(true);
  });

  it('the next window gives the tries back; hours over by two are dropped whole', async () => {
    const clock = clockAt('2026-11-28T12:58:00Z');
    const tries = new LoginTries(connection, clock, limits);
    for (let i = 0; i < 3; i++) await tries.take('10.1.1.1', 'ana@example.com');
    expect((await tries.take('10.1.1.1', 'ana@example.com')).allowed).toBe(false);
    clock.advance(2 * 60_000);
    expect((await tries.take('10.1.1.1', 'ana@example.com')).allowed).toBe(true);
    const names = async () =>
      (await connection.db!.listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .filter((n) => n.startsWith('login_tries_'));
    const hourOf = (at: Date) => Math.floor(at.getTime() / 3_600_000);
    expect(await names()).toContain(`login_tries_${hourOf(new Date('2026-11-28T12:00:00Z'))}`);
    clock.advance(2 * 3_600_000);
    await tries.take('10.1.1.1', 'ana@example.com');
    const left = await names();
    expect(left).not.toContain(`login_tries_${hourOf(new Date('2026-11-28T12:00:00Z'))}`);
    expect(left).toContain(`login_tries_${hourOf(clock.now())}`);
  });

  it('a right password gives its try back: a whole office behind one address logs in', async () => {
    const clock = clockAt('2026-11-28T08:00:00Z');
    const tries = new LoginTries(connection, clock, limits);
    for (let i = 0; i < 20; i++) {
      const taken = await tries.take('192.0.2.1', `agent${i}@example.com`);
      expect(taken.allowed).toBe(true);
      if (taken.allowed) await tries.release(taken.ticket);
    }
    // Wrong guesses still count from that address.
    for (let i = 0; i < 6; i++) await tries.take('192.0.2.1', `guess${i}@example.com`);
    expect((await tries.take('192.0.2.1', 'agent0@example.com')).allowed).toBe(false);
  });

  it('an e-mail or address of any length is kept as a short key', async () => {
    const clock = clockAt('2026-11-28T14:00:00Z');
    const tries = new LoginTries(connection, clock, limits);
    expect((await tries.take('x'.repeat(50_000), 'y'.repeat(200_000))).allowed).toBe(true);
  });
});
