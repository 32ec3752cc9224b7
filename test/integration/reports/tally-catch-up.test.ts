/**
 * Issue 17, decision 0: the counts a writer claimed and never wrote to its shard are caught up
 * by inserts only — whichever of the writer and one or more catchers writes a claim first, the
 * report counts it once, and loses none, even when the writer taken for dead was alive.
 *
 * Each "process" is a `DailyTally` on a connection of its own, all on one embedded database.
 * A writer's claim inserts can be held (`hold`) to land after a later claim of the same writer,
 * as two group inserts in flight at once do, and its shard writes can hang (`die`) as those of a
 * process killed mid-write.
 */
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DailyTally, supervisorReport } from '../../../src/domain/reports/index.ts';
import { databaseUri, openTestConnection } from '../../support/database.ts';

const OPENED = { opened: 1, 'opened:channel:whatsapp': 1 };

describe('catching up report counts by insert only (issue 17)', () => {
  let connection: Connection;
  const others: Connection[] = [];

  beforeAll(async () => {
    connection = await openTestConnection();
  });
  afterAll(async () => {
    for (const other of others) await other.close(true).catch(() => undefined);
  });

  /** A tally on its own connection: another process (`init`: as one starting). */
  async function aProcess(init = true): Promise<DailyTally> {
    const own = mongoose.createConnection(databaseUri(connection.name), { autoIndex: false });
    await own.asPromise();
    others.push(own);
    const tally = new DailyTally(own);
    if (init) await tally.init();
    return tally;
  }

  /**
   * Holds the claim insert of `key` until the returned function is called: a group insert in
   * flight while the writer's next claim lands.
   */
  function hold(tally: DailyTally, key: string): () => void {
    const collection = tally.counted.collection;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holds = (docs: unknown) =>
      (Array.isArray(docs) ? docs : [docs]).some((d) => (d as { _id: string })._id === key);
    const insertOne = collection.insertOne.bind(collection);
    const insertMany = collection.insertMany.bind(collection);
    collection.insertOne = (async (doc: never, ...rest: never[]) => {
      if (holds(doc)) await gate;
      return insertOne(doc, ...rest);
    }) as never;
    collection.insertMany = (async (docs: never, ...rest: never[]) => {
      if (holds(docs)) await gate;
      return insertMany(docs, ...rest);
    }) as never;
    return release;
  }

  /** From now on the writer's shard writes never land: it is killed before writing. */
  function die(tally: DailyTally): void {
    tally.shards.replaceOne = (() => new Promise(() => undefined)) as never;
  }

  async function stored(tally: DailyTally, key: string): Promise<void> {
    for (let i = 0; i < 200 && !(await tally.counted.exists({ _id: key })); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await tally.counted.exists({ _id: key }), `claim ${key} stored`).toBeTruthy();
  }

  /**
   * A live writer whose claim `<day>-late` is in flight while its next claim `<day>-after` is
   * stored and caught up by another process: the catcher sees `after` and not `late`.
   */
  async function caughtUpWhileAlive(day: string) {
    const writer = await aProcess();
    expect(await writer.countOnce(`opened:${day}-first`, day, 'MX', OPENED)).toBe(true);
    await writer.flush();
    const release = hold(writer, `opened:${day}-late`);
    const late = writer.countOnce(`opened:${day}-late`, day, 'MX', OPENED);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = writer.countOnce(`opened:${day}-after`, day, 'MX', OPENED);
    await stored(writer, `opened:${day}-after`);
    const catcher = await aProcess(false);
    expect(await catcher.catchUp()).toBeGreaterThan(0);
    return { writer, release, counted: Promise.all([late, after]) };
  }

  it('issue 17: a writer taken for dead whose earlier claim lands after the catch-up, and which then dies unwritten, loses no count', async () => {
    const day = '2026-04-01';
    const { writer, release, counted } = await caughtUpWhileAlive(day);
    die(writer);
    release();
    expect(await counted).toEqual([true, true]);
    // The writer is gone; the next catch-up finds the claim that landed late.
    const next = await aProcess(false);
    await next.catchUp();
    const report = await supervisorReport(next, 'MX', day, day);
    expect(report.cases.opened).toBe(3);
    expect((await supervisorReport(await aProcess(), 'MX', day, day)).cases.opened).toBe(3);
  }, 60_000);

  it('issue 17: a writer taken for dead that writes its shard afterwards, then dies with claims unwritten, counts each claim once', async () => {
    const day = '2026-04-02';
    const { writer, release, counted } = await caughtUpWhileAlive(day);
    release();
    expect(await counted).toEqual([true, true]);
    // Alive after all: its shard, written now, holds what was caught up.
    await writer.flush();
    die(writer);
    expect(await writer.countOnce(`opened:${day}-last`, day, 'MX', OPENED)).toBe(true);
    // Two processes catch up the dead writer at once, a third later.
    const [one, two] = [await aProcess(false), await aProcess(false)];
    await Promise.all([one.catchUp(), two.catchUp()]);
    const later = await aProcess();
    expect(await later.catchUp()).toBe(0);
    for (const reader of [one, two, later]) {
      const report = await supervisorReport(reader, 'MX', day, day);
      expect(report.cases.opened).toBe(4);
      expect(report.cases.byChannel).toEqual({ whatsapp: 4 });
    }
  }, 60_000);

  it('issue 17: two processes catching up the same dead writer at once count each of its claims once', async () => {
    const day = '2026-04-03';
    const writer = await aProcess();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        writer.countOnce(`opened:${day}-${i}`, day, 'MX', OPENED),
      ),
    );
    await writer.flush();
    die(writer);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        writer.countOnce(`opened:${day}-${20 + i}`, day, 'MX', OPENED),
      ),
    );
    const catchers = [await aProcess(false), await aProcess(false)];
    const caught = await Promise.all(catchers.map((c) => c.catchUp()));
    // Every claim past the shard caught up, by one or the other.
    expect(caught[0]! + caught[1]!).toBe(30);
    for (const reader of catchers)
      expect((await supervisorReport(reader, 'MX', day, day)).cases.opened).toBe(50);
  }, 60_000);

  it('issue 17: a writer whose write of one shard fails while the others land, then dies, loses nothing of that shard', async () => {
    const [dayA, dayB] = ['2026-04-04', '2026-04-05'];
    const writer = await aProcess();
    await writer.countOnce(`opened:${dayA}-0`, dayA, 'MX', OPENED);
    await writer.countOnce(`opened:${dayB}-0`, dayB, 'MX', OPENED);
    await writer.flush();
    // The database refuses the writes of day B's shard from now on; day A's land.
    const replaceOne = writer.shards.replaceOne.bind(writer.shards);
    writer.shards.replaceOne = ((filter: { _id: string }, ...rest: never[]) =>
      filter._id.startsWith(dayB)
        ? Promise.reject(new Error('the database did not answer'))
        : replaceOne(filter, ...rest)) as never;
    await writer.countOnce(`opened:${dayB}-1`, dayB, 'MX', OPENED);
    await writer.countOnce(`opened:${dayA}-1`, dayA, 'MX', OPENED);
    await writer.flush().catch(() => undefined);
    // Later rounds write day A again, past day B's claim; then the writer is killed.
    await writer.countOnce(`opened:${dayA}-2`, dayA, 'MX', OPENED);
    await writer.flush().catch(() => undefined);
    die(writer);
    const catcher = await aProcess(false);
    await catcher.catchUp();
    const report = await supervisorReport(catcher, 'MX', dayA, dayB);
    expect(report.days).toEqual([
      { day: dayA, opened: 3, closed: 0 },
      { day: dayB, opened: 2, closed: 0 },
    ]);
  }, 60_000);

  it('issue 17: a shard write whose answer was lost, applied after later ones, then the writer killed: nothing lost', async () => {
    const [dayA, dayB] = ['2026-04-06', '2026-04-08'];
    const writer = await aProcess();
    await writer.countOnce(`opened:${dayB}-0`, dayB, 'MX', OPENED);
    await writer.flush();
    // The next write of day B's shard reaches the database only later; its sender sees an error.
    const replaceOne = writer.shards.replaceOne.bind(writer.shards);
    let late: (() => Promise<unknown>) | null = null;
    writer.shards.replaceOne = ((filter: { _id: string }, ...rest: never[]) => {
      if (late || !filter._id.startsWith(dayB)) return replaceOne(filter, ...rest);
      late = () => replaceOne(filter, ...rest);
      return Promise.reject(new Error('connection reset'));
    }) as never;
    await writer.countOnce(`opened:${dayB}-1`, dayB, 'MX', OPENED);
    await writer.flush().catch(() => undefined);
    await writer.flush();
    await writer.countOnce(`opened:${dayB}-2`, dayB, 'MX', OPENED);
    await writer.countOnce(`opened:${dayA}-0`, dayA, 'MX', OPENED);
    await writer.flush();
    await writer.countOnce(`opened:${dayA}-1`, dayA, 'MX', OPENED);
    await writer.flush();
    // The lost write lands now: day B's shard back to its second claim. Then the kill.
    await late!();
    die(writer);
    const catcher = await aProcess(false);
    await catcher.catchUp();
    const report = await supervisorReport(catcher, 'MX', dayA, dayB);
    expect(report.cases.opened).toBe(5);
    expect(report.days.find((d) => d.day === dayB)?.opened).toBe(3);
  }, 60_000);

  it('issue 17: a claim stored whose answer was lost is counted once, by its writer, and its retry counts nothing', async () => {
    const day = '2026-04-07';
    const writer = await aProcess();
    const collection = writer.counted.collection;
    const [insertOne, insertMany] = [collection.insertOne, collection.insertMany];
    const lost = (insert: (...args: never[]) => Promise<unknown>) =>
      (async (...args: never[]) => {
        await insert.apply(collection, args);
        throw new Error('connection reset');
      }) as never;
    collection.insertOne = lost(insertOne as never);
    collection.insertMany = lost(insertMany as never);
    expect(await writer.countOnce(`opened:${day}-lost`, day, 'MX', OPENED)).toBe(true);
    [collection.insertOne, collection.insertMany] = [insertOne, insertMany];
    // The turn run again: the key is taken, nothing more is counted.
    expect(await writer.countOnce(`opened:${day}-lost`, day, 'MX', OPENED)).toBe(false);
    await writer.flush();
    die(writer);
    const other = await aProcess();
    expect((await supervisorReport(other, 'MX', day, day)).cases.opened).toBe(1);
  }, 60_000);
});
