import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelLogStore } from '../../../src/domain/channel-log/index.ts';
import { testDatabaseUri } from '../../support/database.ts';

const AT = new Date('2026-03-02T16:00:00Z');

describe("issue 15: a channel's ordered log in the database, numbered by insert (decision 0)", () => {
  // Two stores on two connections to one database: two processes.
  let first: ChannelLogStore;
  let second: ChannelLogStore;
  beforeAll(async () => {
    const uri = testDatabaseUri();
    const connections = [mongoose.createConnection(uri), mongoose.createConnection(uri)];
    await Promise.all(connections.map((c) => c.asPromise()));
    afterAll(async () => {
      await connections[0]!.dropDatabase().catch(() => undefined);
      await Promise.all(connections.map((c) => c.close()));
    });
    [first, second] = connections.map((c) => new ChannelLogStore(c)) as [
      ChannelLogStore,
      ChannelLogStore,
    ];
    await first.init();
  });

  // A dated scope (the desk's day, issue 17) lives in its day's collection: the same guarantee.
  it.each(['dl-race', 'desk.2026-03-02'])(
    'two processes appending to one scope (%s) at once: every entry once, numbered without gaps, instants strictly increasing',
    async (scope) => {
      const appended = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 2 === 0 ? first : second).append(scope, { i }, AT),
        ),
      );
      expect(new Set(appended.map((e) => e.number)).size).toBe(60);
      const read = await second.read(scope, 0, 1_000);
      expect(read.map((e) => e.number)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(new Set(read.map((e) => e.entry.i)).size).toBe(60);
      for (let n = 1; n < read.length; n++)
        expect(read[n]!.at.getTime()).toBeGreaterThan(read[n - 1]!.at.getTime());
    },
  );

  it('a process that never wrote a scope finds its end, and reads from any number', async () => {
    for (let i = 0; i < 37; i++) await first.append('dl-long', { i }, AT);
    const next = await second.append('dl-long', { i: 37 }, AT);
    expect(next.number).toBe(37);
    expect(next.at.getTime()).toBeGreaterThan(AT.getTime() + 36);
    expect((await first.read('dl-long', 30, 100)).map((e) => e.entry.i)).toEqual([
      30, 31, 32, 33, 34, 35, 36, 37,
    ]);
    expect(await first.read('dl-long', 38, 10)).toEqual([]);
    expect(await first.read('dl-missing', 0, 10)).toEqual([]);
    // The first writer of a scope's entry 0 is the one every reader sees (a shared key).
    await Promise.all([
      first.append('dl-key', { k: 'a' }, AT),
      second.append('dl-key', { k: 'b' }, AT),
    ]);
    const [a] = await first.read('dl-key', 0, 1);
    const [b] = await second.read('dl-key', 0, 1);
    expect(a!.entry).toEqual(b!.entry);
  });

  it('a scope holding the separator is refused', async () => {
    await expect(first.append('a|b', {}, AT)).rejects.toThrow(/scope/);
  });
});
