/**
 * Issue 17: a clean stop closes the database only after the writes the turns started without
 * waiting for them. The agent desk's events are appended, one after another, to the log the
 * other processes' consoles read; a stop that closed the client under them lost the last ones
 * and logged a MongoNotConnectedError for each. The same for the runtime's housekeeping (the
 * journal's tidying, the recovery sweep, the announcement board's refresh), started by timers.
 */
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { assembleAtiende, startAtiende } from '../../../src/app/assemble.ts';
import { createLogger, type Logger } from '../../../src/app/logger.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { testDatabaseUri } from '../../support/database.ts';

/** Enough appends in a row to be still going when a stop that does not wait closes the client. */
const EVENTS = 300;

describe('a clean stop waits for the writes left behind (issue 17)', () => {
  it('every desk event published before the stop is in the shared log, and nothing is logged as failed', async () => {
    const uri = testDatabaseUri();
    const lines: Record<string, unknown>[] = [];
    const atiende = await assembleAtiende({
      // atiende opens this database itself, and so closes it at the stop.
      database: { uri, dataDir: 'unused-with-a-uri' },
      policy: DEFAULT_POLICY,
      clock: new ManualClock('2026-03-10T16:00:00Z'),
      channels: ['terminal'],
      logger: createLogger('warn', { write: (line: string) => void lines.push(JSON.parse(line)) }),
    });
    await atiende.start();
    for (let i = 0; i < EVENTS; i++)
      atiende.agents.desk.events.publish({
        type: 'queue',
        conversationId: `terminal:c${i}`,
        level: null,
      });
    await atiende.stop();

    expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
    const connection = await mongoose.createConnection(uri).asPromise();
    try {
      // Each UTC day's events in a collection of its own (the run may cross midnight).
      let logged = 0;
      for (const { name } of await connection.db!.listCollections({}, { nameOnly: true }).toArray())
        if (name.startsWith('channel_log_desk_'))
          logged += await connection.collection(name).countDocuments({});
      expect(logged).toBe(EVENTS);
    } finally {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    }
  }, 120_000);

  it('the housekeeping under way when the stop comes ends before the database closes', async () => {
    // Housekeeping every millisecond, so that some is under way at each stop.
    const failed = await errorsAtStops(10, async (logger, round) => {
      const atiende = await assembleAtiende({
        ...onItsOwnDatabase(logger),
        channels: ['terminal'],
        engine: { housekeepingMs: 1, recoveryGraceMs: 0 },
      });
      await atiende.start();
      await sleep(30 + round * 10);
      await atiende.stop();
    });
    expect(failed).toEqual([]);
  }, 120_000);

  it("a console's reads of the shared log under way when the stop comes end before the database closes", async () => {
    const failed = await errorsAtStops(10, async (logger, round) => {
      const atiende = await assembleAtiende({
        ...onItsOwnDatabase(logger),
        channels: ['terminal'],
        // The log read every millisecond while the console listens: one is under way at the stop.
        agentConsole: { eventPollMs: 1 },
      });
      await atiende.start();
      atiende.agents.desk.events.subscribe(() => undefined);
      await sleep(20 + round * 7);
      await atiende.stop();
    });
    expect(failed).toEqual([]);
  }, 120_000);

  it("a web chat stream's reads under way when the stop comes end before the database closes", async () => {
    const failed = await errorsAtStops(5, async (logger, round) => {
      const atiende = await startAtiende({
        ...onItsOwnDatabase(logger),
        channels: ['webchat'],
        http: { host: '127.0.0.1', port: 0 },
        // The stream's log read every millisecond: one is under way at the stop.
        channelSettings: { webchat: { streamPollMs: 1 } },
      });
      const domain = `http://127.0.0.1:${atiende.port}/v3/directline`;
      const visitor = (await (
        await fetch(`${domain}/tokens/generate`, { method: 'POST' })
      ).json()) as { token: string };
      const started = await fetch(`${domain}/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${visitor.token}` },
      });
      const { streamUrl } = (await started.json()) as { streamUrl: string };
      const socket = new WebSocket(streamUrl);
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const closed = new Promise<number>((resolve) => socket.once('close', resolve));
      await sleep(20 + round * 7);
      const stopping = performance.now();
      await atiende.stop();
      // An open stream no longer holds the stop (the server waited for it, for good).
      expect(performance.now() - stopping).toBeLessThan(5_000);
      // Told "going away", as Web Chat expects to reconnect elsewhere.
      expect(await closed).toBe(1001);
    });
    expect(failed).toEqual([]);
  }, 120_000);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Atiende's options on a database of its own (so it closes it at the stop), logging to `logger`. */
function onItsOwnDatabase(logger: Logger) {
  return {
    database: { uri: testDatabaseUri(), dataDir: 'unused-with-a-uri' },
    policy: DEFAULT_POLICY,
    clock: new ManualClock('2026-03-10T16:00:00Z'),
    logger,
  };
}

/**
 * The error lines logged over `rounds` runs of `run` (each starts and stops an atiende with the
 * logger it is given), and in the moments after each stop: what a read or timer started before
 * the stop and not finished would log once the database is closed.
 */
async function errorsAtStops(
  rounds: number,
  run: (logger: Logger, round: number) => Promise<void>,
): Promise<Record<string, unknown>[]> {
  const failed: Record<string, unknown>[] = [];
  for (let round = 0; round < rounds; round++) {
    const lines: Record<string, unknown>[] = [];
    await run(
      createLogger('warn', { write: (line: string) => void lines.push(JSON.parse(line)) }),
      round,
    );
    await sleep(200);
    failed.push(...lines.filter((line) => (line.level as number) >= 50));
  }
  return failed;
}
