/**
 * Issue 16, decision 0: the per-day summaries lose no count and count nothing twice when two
 * processes count at the same moment — each event is claimed by one insert of its key, and
 * each process writes only its own shard (no update of a shared document).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { Connection } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import {
  DailyTally,
  TallyCatchUpSchedule,
  supervisorReport,
} from '../../../src/domain/reports/index.ts';
import { databaseUri, openTestConnection } from '../../support/database.ts';

const WORKER = new URL('../../support/tally-worker.ts', import.meta.url).pathname;

describe('per-day report counts with two processes (issue 16)', () => {
  let connection: Connection;
  let tally: DailyTally;

  beforeAll(async () => {
    connection = await openTestConnection();
    tally = new DailyTally(connection);
    await tally.init();
  });

  /** Forks a counting process; resolves with it once it is ready. */
  async function counter(keys: string[], env: Record<string, string> = {}) {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        WORKER_URI: databaseUri(connection.name),
        WORKER_KEYS: JSON.stringify(keys),
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [ready] = (await once(child, 'message')) as [{ type: string; error?: string }];
    expect(ready.type, ready.error).toBe('ready');
    return child;
  }

  it('counts every event once when two processes count the same and different events at once', async () => {
    const keys = (prefix: string) => Array.from({ length: 150 }, (_, i) => `${prefix}-${i}`);
    const shared = keys('opened:shared');
    const theirs = [...shared, ...keys('opened:theirs')];
    const ours = [...keys('opened:ours'), ...shared];
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        WORKER_URI: databaseUri(connection.name),
        WORKER_KEYS: JSON.stringify(theirs),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [ready] = (await once(child, 'message')) as [{ type: string; error?: string }];
    expect(ready.type, ready.error).toBe('ready');
    const theyFinish = once(child, 'message') as Promise<[{ type: string; counted: number }]>;
    child.send({ type: 'start' });
    const mine = await Promise.all(
      ours.map((key) =>
        tally.countOnce(key, '2026-03-10', 'MX', { opened: 1, 'opened:channel:whatsapp': 1 }),
      ),
    );
    const [done] = await theyFinish;
    expect(done.type).toBe('done');
    const countedHere = mine.filter(Boolean).length;
    // Each shared event was counted by exactly one of the two processes.
    expect(countedHere + done.counted).toBe(450);
    expect(countedHere).toBeGreaterThanOrEqual(150);
    expect(done.counted).toBeGreaterThanOrEqual(150);

    const report = await supervisorReport(tally, 'MX', '2026-03-10', '2026-03-10');
    expect(report.cases.opened).toBe(450);
    expect(report.cases.byChannel).toEqual({ whatsapp: 450 });
    // Two writers, two shards for the day: neither replaced the other's.
    expect(await tally.shards.countDocuments({ day: '2026-03-10', country: 'MX' })).toBe(2);
  }, 60_000);

  it('issue 17: the counts of a process killed before it wrote its shards are caught up once at the next start, however many processes start at once', async () => {
    const day = '2026-03-11';
    const keys = Array.from({ length: 200 }, (_, i) => `opened:killed-${i}`);
    const child = await counter(keys, { WORKER_DAY: day, CRASH_AFTER_COUNT: '1' });
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    child.send({ type: 'start' });
    const [[done], [, signal]] = await Promise.all([
      once(child, 'message') as Promise<[{ type: string; counted: number }]>,
      exited,
    ]);
    expect(done.counted).toBe(200);
    expect(signal).toBe('SIGKILL');
    const written = await tally.shards.find({ day, country: 'MX' }).lean();
    console.info(
      `[report tally] killed after 200 counts; its shard held ${written.reduce((sum, d) => sum + (d.counts.find((c) => c.k === 'opened')?.n ?? 0), 0)} of them`,
    );

    // Two processes start at once and both catch up; a third later finds nothing left.
    const restarted = [new DailyTally(connection), new DailyTally(connection)];
    await Promise.all(restarted.map((t) => t.init()));
    const later = new DailyTally(connection);
    await later.init();
    expect(await later.catchUp()).toBe(0);
    for (const reader of [tally, ...restarted, later]) {
      const report = await supervisorReport(reader, 'MX', day, day);
      expect(report.cases.opened).toBe(200);
      expect(report.cases.byChannel).toEqual({ whatsapp: 200 });
    }
  }, 60_000);

  it('issue 17: a report read in this process counts its own events at once, their shard written or not', async () => {
    const day = '2026-03-12';
    const counted = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        tally.countOnce(`opened:own-${i}`, day, 'MX', { opened: 1 }),
      ),
    );
    expect(counted).toEqual([true, true, true, true, true]);
    // No wait for the shard write: the counts come from this writer's memory.
    expect((await supervisorReport(tally, 'MX', day, day)).cases.opened).toBe(5);
    await tally.flush();
    const other = new DailyTally(connection);
    await other.init();
    expect((await supervisorReport(other, 'MX', day, day)).cases.opened).toBe(5);
  });

  it('issue 17: the counts of a process killed between claim and shard are caught up by the periodic run, in one process, with no process restarting', async () => {
    const day = '2026-03-13';
    // Two processes running since before the kill: their start found nothing to catch up.
    const running = [tally, new DailyTally(connection)];
    await running[1]!.init();
    const clock = new ManualClock('2026-03-13T15:00:00Z');
    const schedules = running.map(
      (t, i) => new TallyCatchUpSchedule({ tally: t, clock, processId: `process-${i}` }),
    );
    const keys = Array.from({ length: 60 }, (_, i) => `opened:periodic-${i}`);
    const child = await counter(keys, { WORKER_DAY: day, CRASH_AFTER_COUNT: '1' });
    const exited = once(child, 'exit');
    child.send({ type: 'start' });
    const [[done]] = await Promise.all([
      once(child, 'message') as Promise<[{ type: string; counted: number }]>,
      exited,
    ]);
    expect(done.counted).toBe(60);
    expect((await supervisorReport(tally, 'MX', day, day)).cases.opened).toBe(30);

    // Both look at once: one claims the period and catches up, the other leaves it.
    const runs = await Promise.all(schedules.map((s) => s.runIfDue()));
    expect(runs.filter((r) => r === null)).toHaveLength(1);
    expect(runs.find((r) => r !== null)?.caught).toBe(30);
    for (const reader of running) {
      const report = await supervisorReport(reader, 'MX', day, day);
      expect(report.cases.opened).toBe(60);
      expect(report.cases.byChannel).toEqual({ whatsapp: 60 });
    }
    // The next period runs again and finds nothing more.
    clock.advanceMinutes(60);
    expect((await schedules[1]!.runIfDue())?.caught).toBe(0);
    expect((await supervisorReport(tally, 'MX', day, day)).cases.opened).toBe(60);
  }, 60_000);
});
