/**
 * Issue 12: the rules of account codes hold on the real database under real parallel calls —
 * every guarantee an insert against a unique key (decision 0), nothing updated.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AccountCodeRepository,
  AccountProofService,
} from '../../../src/domain/account-proof/index.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { openTestConnection } from '../../support/database.ts';

const TO = 'laura.mendez@delvalle.example';

describe('account codes on the database (issue 12)', () => {
  let repository: AccountCodeRepository;
  let clock: ManualClock;
  let proof: AccountProofService;

  beforeAll(async () => {
    repository = new AccountCodeRepository(await openTestConnection());
    await repository.init();
    clock = new ManualClock('2026-03-10T16:05:00Z');
    proof = new AccountProofService(repository, clock);
  });

  const issue = (account: string, conversationId = 'c1', effectKey?: string) =>
    proof.issue({
      accountNumber: account,
      conversationId,
      to: TO,
      ...(effectKey ? { effectKey } : {}),
    });

  it('sends at most three codes an hour per account, however many are asked for at once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => issue('A-1', `c${i}`)));
    expect(results.filter((r) => r.outcome === 'issued')).toHaveLength(3);
    const limited = results.filter((r) => r.outcome === 'rate-limited');
    expect(limited).toHaveLength(7);
    expect(limited[0]).toEqual({
      outcome: 'rate-limited',
      retryAt: new Date('2026-03-10T17:00:00Z'),
    });
    // Another account is not limited by this one's codes.
    expect((await issue('A-2')).outcome).toBe('issued');
  });

  it('keeps only a salted hash of the code, and the address masked', async () => {
    const issued = await issue('A-3');
    if (issued.outcome !== 'issued') throw new Error(issued.outcome);
    const stored = await repository.code(issued.codeId);
    expect(JSON.stringify(stored)).not.toContain(issued.code);
    expect(JSON.stringify(stored)).not.toContain(TO);
    expect(stored?.maskedTo).toBe('l***@delvalle.example');
  });

  it('judges at most five tries of a code, even twenty at once; then even the right code is refused', async () => {
    const issued = await issue('A-4');
    if (issued.outcome !== 'issued') throw new Error(issued.outcome);
    const wrong = String((Number(issued.code) + 1) % 1_000_000).padStart(6, '0');
    const check = (code: string) =>
      proof.check({ codeId: issued.codeId, accountNumber: 'A-4', conversationId: 'c1', code });
    const results = await Promise.all(Array.from({ length: 20 }, () => check(wrong)));
    const judged = results.filter((r) => r.outcome === 'wrong');
    expect(judged.map((r) => (r.outcome === 'wrong' ? r.triesLeft : -1)).sort()).toEqual([
      1, 2, 3, 4,
    ]);
    expect(results.filter((r) => r.outcome === 'locked')).toHaveLength(16);
    expect(await check(issued.code)).toEqual({ outcome: 'locked' });
  });

  it('proves once: the right code typed five times at once is one use, and useless elsewhere', async () => {
    const issued = await issue('A-5', 'mine');
    if (issued.outcome !== 'issued') throw new Error(issued.outcome);
    const check = (conversationId: string) =>
      proof.check({
        codeId: issued.codeId,
        accountNumber: 'A-5',
        conversationId,
        code: issued.code,
      });
    const results = await Promise.all(Array.from({ length: 5 }, () => check('mine')));
    expect(results.every((r) => r.outcome === 'valid')).toBe(true);
    expect(await repository.uses.countDocuments({ _id: issued.codeId })).toBe(1);
    // Another conversation (or another account) typing it proves nothing.
    expect(await check('theirs')).toEqual({ outcome: 'invalid' });
    expect(
      await proof.check({
        codeId: issued.codeId,
        accountNumber: 'A-6',
        conversationId: 'mine',
        code: issued.code,
      }),
    ).toEqual({ outcome: 'invalid' });
  });

  it('refuses a code past its ten minutes (the injected clock)', async () => {
    const issued = await issue('A-7');
    if (issued.outcome !== 'issued') throw new Error(issued.outcome);
    clock.advanceMinutes(10);
    clock.advance(1_000);
    expect(
      await proof.check({
        codeId: issued.codeId,
        accountNumber: 'A-7',
        conversationId: 'c1',
        code: issued.code,
      }),
    ).toEqual({ outcome: 'expired' });
  });

  it('a turn run twice (the same effect key) issues one code, whichever run comes first', async () => {
    const [a, b] = await Promise.all([issue('A-8', 'c1', 'turn-1'), issue('A-8', 'c1', 'turn-1')]);
    const codes = [a, b].map((r) => (r.outcome === 'rate-limited' ? null : r.codeId));
    expect(codes[0]).toBe(codes[1]);
    expect([a, b].map((r) => r.outcome).sort()).toEqual(['issued', 'repeated']);
    expect((await issue('A-8', 'c1', 'turn-1')).outcome).toBe('repeated');
  });
});
