/**
 * A process that counts report events into the per-day summaries, as a second atiende process
 * does (issue 16), forked by the report tests with an IPC channel:
 *
 *   fork('test/support/tally-worker.ts', [], { execArgv: ['--import', 'tsx'],
 *        env: { WORKER_URI, WORKER_KEYS } })
 *
 * It says `ready`, waits for `start`, counts every key of `WORKER_KEYS` (JSON) at once as a
 * case opened on WORKER_DAY (default 2026-03-10) in MX, then says `done` with how many it counted itself, and stops
 * cleanly (its shards written). With CRASH_AFTER_COUNT=1 it counts half the keys and writes
 * them, then counts the other half with its shard writes held, and kills itself (SIGKILL): the
 * claims stored, half of them in no shard (issue 17).
 */
import mongoose from 'mongoose';
import { DailyTally } from '../../src/domain/reports/index.ts';

async function main(): Promise<void> {
  const connection = mongoose.createConnection(process.env.WORKER_URI!, { autoIndex: false });
  await connection.asPromise();
  const tally = new DailyTally(connection);
  await tally.init();
  const keys = JSON.parse(process.env.WORKER_KEYS!) as string[];
  process.send?.({ type: 'ready' });
  const count = (some: string[]) =>
    Promise.all(
      some.map((key) =>
        tally.countOnce(key, process.env.WORKER_DAY ?? '2026-03-10', 'MX', {
          opened: 1,
          'opened:channel:whatsapp': 1,
        }),
      ),
    );
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'start') return;
    if (process.env.CRASH_AFTER_COUNT === '1') {
      // The first half counted and written; the second half claimed, its shard write never
      // landing (held), and the process killed.
      const half = Math.ceil(keys.length / 2);
      void count(keys.slice(0, half)).then(async (first) => {
        await tally.flush();
        tally.shards.replaceOne = (() => new Promise(() => undefined)) as never;
        const second = await count(keys.slice(half));
        process.send?.(
          { type: 'done', counted: [...first, ...second].filter(Boolean).length },
          () => process.kill(process.pid, 'SIGKILL'),
        );
      });
      return;
    }
    void count(keys).then(async (results) => {
      await tally.stop();
      process.send?.({ type: 'done', counted: results.filter(Boolean).length });
      await connection.close();
      process.disconnect();
    });
  });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', error: String(error) });
  process.exit(1);
});
