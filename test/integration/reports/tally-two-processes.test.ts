/**
 * Issue 16, decision 0: the per-day summaries lose no count and count nothing twice when two
 * processes count at the same moment — each event is claimed by one insert of its key, and
 * each process writes only its own shard (no update of a shared document).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { Connection } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { DailyTally, supervisorReport } from '../../../src/domain/reports/index.ts';
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
});
