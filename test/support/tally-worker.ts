/**
 * A process that counts report events into the per-day summaries, as a second atiende process
 * does (issue 16), forked by the report tests with an IPC channel:
 *
 *   fork('test/support/tally-worker.ts', [], { execArgv: ['--import', 'tsx'],
 *        env: { WORKER_URI, WORKER_KEYS } })
 *
 * It says `ready`, waits for `start`, counts every key of `WORKER_KEYS` (JSON) at once as a
 * case opened on 2026-03-10 in MX, then says `done` with how many it counted itself.
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
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'start') return;
    void Promise.all(
      keys.map((key) =>
        tally.countOnce(key, '2026-03-10', 'MX', { opened: 1, 'opened:channel:whatsapp': 1 }),
      ),
    ).then(async (results) => {
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
