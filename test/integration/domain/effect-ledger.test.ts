import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import {
  EffectLedger,
  EffectPending,
  STALE_CLAIM_MS,
  type LedgerTiming,
} from '../../../src/domain/effects/effect-ledger.ts';
import { openTestConnection } from '../../support/database.ts';

describe('the effect ledger: an effect once per key, whoever asks', () => {
  let db: Db;
  beforeAll(async () => {
    db = (await openTestConnection()).db!;
  });

  it('decision 0: forty callers on two processes at once run the effect once and all get its result', async () => {
    const first = new EffectLedger(db, 'process-1');
    const second = new EffectLedger(db, 'process-2');
    let runs = 0;
    const effect = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { folioNumber: `AT-2026-000001-V${runs}` };
    };
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, k) => (k % 2 ? first : second).once('key:twins', effect)),
    );
    expect(runs).toBe(1);
    expect(new Set(results.map((r) => r.folioNumber))).toEqual(new Set(['AT-2026-000001-V1']));
    // Later, from anywhere: the recorded result, the effect not run again.
    expect(await new EffectLedger(db, 'process-3').once('key:twins', effect)).toEqual(results[0]);
    expect(runs).toBe(1);
  });

  it('an effect that fails leaves its key free: the next caller does it', async () => {
    const ledger = new EffectLedger(db, 'process-1');
    await expect(
      ledger.once('key:fails', async () => {
        throw new Error('the database went away');
      }),
    ).rejects.toThrow('the database went away');
    expect(await ledger.once('key:fails', async () => 'done')).toBe('done');
  });

  it('a claim left by a process that died mid-effect is taken over once it is stale; before that, callers wait', async () => {
    let now = Date.parse('2026-03-10T16:00:00Z');
    const timing: LedgerTiming = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    // The dead process claimed the key and never recorded a result.
    const dead = new EffectLedger(db, 'dead', timing);
    await dead.claims.insertOne({ _id: 'key:orphan', by: 'dead', at: new Date(now) });
    const alive = new EffectLedger(db, 'alive', timing);
    let runs = 0;
    const result = await alive.once('key:orphan', async () => ++runs);
    expect(result).toBe(1);
    expect(now - Date.parse('2026-03-10T16:00:00Z')).toBeGreaterThan(STALE_CLAIM_MS);

    // A live claimer that never finishes within the wait: the caller gives up, typed.
    await dead.claims.insertOne({ _id: 'key:slow', by: 'slow', at: new Date(now + 10 ** 9) });
    await expect(alive.once('key:slow', async () => 'never')).rejects.toBeInstanceOf(EffectPending);
  });

  it('a void effect replays as undefined', async () => {
    const ledger = new EffectLedger(db, 'p');
    expect(await ledger.once('key:void', async () => undefined)).toBeUndefined();
    expect(await ledger.once('key:void', async () => 'not run')).toBeUndefined();
  });
});
