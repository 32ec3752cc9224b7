/**
 * The one batcher under every group insert: callers of one tick share one write, writes in
 * flight are bounded, and each caller gets its own outcome.
 */
import { describe, expect, it } from 'vitest';
import { Batcher, type Queued } from '../../../src/storage/index.ts';

/** A batcher whose writes are recorded and finish when the test says so. */
function recording(options: ConstructorParameters<typeof Batcher>[1] = {}) {
  const writes: number[][] = [];
  const release: (() => void)[] = [];
  let hold = false;
  const batcher = new Batcher<number, string>(async (batch: Queued<number, string>[]) => {
    writes.push(batch.map((q) => q.item));
    if (hold) await new Promise<void>((resolve) => release.push(resolve));
    for (const q of batch) {
      if (q.item < 0) q.reject(new Error(`refused ${q.item}`));
      else q.resolve(`wrote ${q.item}`);
    }
  }, options);
  return {
    batcher,
    writes,
    holdWrites: () => (hold = true),
    releaseAll: () => release.splice(0).forEach((r) => r()),
  };
}

/** Lets the event loop turn a few times: scheduled writes start, finished ones settle. */
const turns = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('the batcher', () => {
  it('writes the items of one tick together, each caller getting its own outcome', async () => {
    const { batcher, writes } = recording();
    const outcomes = await Promise.allSettled([1, 2, -3, 4].map((n) => batcher.add(n)));
    expect(writes).toEqual([[1, 2, -3, 4]]);
    expect(batcher.roundTrips).toBe(1);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : String(o.reason)))).toEqual([
      'wrote 1',
      'wrote 2',
      'Error: refused -3',
      'wrote 4',
    ]);
  });

  it('takes at most maxBatch items a write and keeps maxConcurrent writes in flight', async () => {
    const { batcher, writes, holdWrites, releaseAll } = recording({
      maxBatch: 2,
      maxConcurrent: 2,
    });
    holdWrites();
    const all = Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => batcher.add(n)));
    await turns();
    expect(writes).toEqual([
      [1, 2],
      [3, 4],
    ]);
    releaseAll();
    await turns();
    releaseAll();
    await turns();
    releaseAll();
    expect(await all).toHaveLength(7);
    expect(writes).toEqual([[1, 2], [3, 4], [5, 6], [7]]);
  });

  it('gathers items added while the writes are out into the next write', async () => {
    const { batcher, writes, holdWrites, releaseAll } = recording({ maxConcurrent: 1 });
    holdWrites();
    const first = batcher.add(1);
    await turns();
    const rest = [2, 3, 4].map((n) => batcher.add(n));
    await turns();
    expect(writes).toEqual([[1]]);
    releaseAll();
    await first;
    await turns();
    releaseAll();
    await Promise.all(rest);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('waits lingerMs for more items before writing', async () => {
    const { batcher, writes } = recording({ lingerMs: 30 });
    const first = batcher.add(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = batcher.add(2);
    await Promise.all([first, second]);
    expect(writes).toEqual([[1, 2]]);
  });

  it('rejects every caller of a write that failed', async () => {
    const batcher = new Batcher<number, void>(async () => {
      throw new Error('database gone');
    });
    const outcomes = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('Batcher.flush (a clean stop, issue 17)', () => {
  it('writes a lingering batch at once and resolves once it is written', async () => {
    const written: number[][] = [];
    const batcher = new Batcher<number, void>(
      async (batch) => {
        await new Promise((r) => setTimeout(r, 5));
        written.push(batch.map((q) => q.item));
        for (const q of batch) q.resolve();
      },
      { lingerMs: 60_000 },
    );
    const added = [batcher.add(1), batcher.add(2)];
    const started = performance.now();
    await batcher.flush();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(written).toEqual([[1, 2]]);
    await Promise.all(added);
  });

  it('waits for writes in flight and for the items queued behind them', async () => {
    const written: number[][] = [];
    const batcher = new Batcher<number, void>(
      async (batch) => {
        await new Promise((r) => setTimeout(r, 20));
        written.push(batch.map((q) => q.item));
        for (const q of batch) q.resolve();
      },
      { maxConcurrent: 1, maxBatch: 1 },
    );
    void batcher.add(1);
    void batcher.add(2);
    void batcher.add(3);
    await batcher.flush();
    expect(written).toEqual([[1], [2], [3]]);
  });

  it('resolves at once with nothing queued, and after a failed write too', async () => {
    const batcher = new Batcher<number, void>(async () => {
      throw new Error('down');
    });
    await batcher.flush();
    const added = batcher.add(1).catch((e: Error) => e.message);
    await batcher.flush();
    expect(await added).toBe('down');
  });
});
