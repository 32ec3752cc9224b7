/**
 * An engine process for the reliability tests, forked by the test with an IPC channel:
 *
 *   fork('test/support/engine-worker.ts', [], { execArgv: ['--import', 'tsx'],
 *        serialization: 'advanced', env: { WORKER_URI, WORKER_CLOCK, WORKER_NAME } })
 *
 * It connects to the database named in WORKER_URI, builds the runtime with an in-process
 * channel and a manual clock set to WORKER_CLOCK, runs `runtime.start()` (delivery recovery)
 * and says `ready`. Every delivery is forwarded to the parent (the "network") before the engine
 * goes on, so a delivery the parent never saw is one the worker never finished. The parent
 * sends customer messages, scheduler ticks and clock moves; the scheduler and housekeeping
 * never run on their own, so the parent decides when timers fire.
 */
import mongoose from 'mongoose';
import type { TurnOutcome } from '../../src/bot/engine/engine.ts';
import type { InboundMessage, OutboundMessage } from '../../src/bot/engine/messages.ts';
import { assembleAtiende } from '../../src/app/assemble.ts';
import { InProcessChannel } from '../../src/channels/terminal/in-process-channel.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../src/domain/policy/index.ts';

/** What the parent asks. */
export type WorkerRequest = { id: number } & (
  | { type: 'inbound'; message: InboundMessage }
  | { type: 'tick' }
  | { type: 'clock'; at: string }
  | { type: 'stats' }
  | { type: 'stop' }
);

/** What the worker tells the parent. */
export type WorkerReply =
  | { type: 'ready'; recovered: number; processId: string }
  | { type: 'fatal'; error: string }
  | { type: 'delivered'; message: OutboundMessage }
  | { type: 'handled'; id: number; messageId: string; outcome: TurnOutcome }
  | { type: 'failed'; id: number; name: string; code?: string; message: string }
  | { type: 'ticked'; id: number; fired: number }
  | { type: 'clock-set'; id: number }
  | { type: 'stats'; id: number; stats: Record<string, number> }
  | { type: 'stopped'; id: number };

/** Longest interval Node accepts: the scheduler and housekeeping never run by themselves. */
const NEVER = 2_147_483_647;

function send(reply: WorkerReply): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('engine-worker needs an IPC channel (fork)'));
    process.send(reply, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

async function main(): Promise<void> {
  const uri = process.env.WORKER_URI;
  if (!uri) throw new Error('WORKER_URI is required');
  const clock = new ManualClock(process.env.WORKER_CLOCK ?? new Date().toISOString());
  const connection = mongoose.createConnection(uri, { autoIndex: false, maxPoolSize: 50 });
  await connection.asPromise();

  const channel = new InProcessChannel('terminal');
  // The port the engine delivers through: keep the in-process record (its `resent` counts
  // repeats within this process) and forward every delivery, repeats included, to the parent,
  // returning only once it is written to the IPC channel.
  const port = {
    kind: 'terminal' as const,
    async deliver(message: OutboundMessage): Promise<void> {
      await channel.deliver(message);
      await send({ type: 'delivered', message });
    },
  };
  const atiende = await assembleAtiende({
    database: { connection },
    policy: DEFAULT_POLICY,
    clock,
    channels: [port],
    engine: { schedulerPollMs: NEVER, housekeepingMs: NEVER },
  });
  const runtime = atiende.runtime;
  const recovered = await recoverOnStart(runtime.engine, () => atiende.start());

  process.on('message', (request: WorkerRequest) => {
    void serve(request).catch((error: unknown) =>
      send({
        type: 'failed',
        id: request.id,
        name: error instanceof Error ? error.name : 'Error',
        code: (error as { code?: string }).code,
        message: error instanceof Error ? error.message : String(error),
      }),
    );
  });

  async function serve(request: WorkerRequest): Promise<void> {
    switch (request.type) {
      case 'inbound': {
        const outcome = await runtime.engine.handle(request.message);
        await send({
          type: 'handled',
          id: request.id,
          messageId: request.message.messageId,
          outcome,
        });
        return;
      }
      case 'tick':
        await send({ type: 'ticked', id: request.id, fired: await runtime.scheduler.tick() });
        return;
      case 'clock':
        clock.set(request.at);
        await send({ type: 'clock-set', id: request.id });
        return;
      case 'stats':
        await send({
          type: 'stats',
          id: request.id,
          stats: { ...runtime.engine.stats, resentInProcess: channel.resent },
        });
        return;
      case 'stop':
        await atiende.stop();
        await connection.close();
        await send({ type: 'stopped', id: request.id });
        process.exit(0);
    }
  }

  await send({ type: 'ready', recovered, processId: runtime.engine.processId });
}

/** Runs `runtime.start()` and counts the outboxes it redelivered. */
async function recoverOnStart(
  engine: { stats: { delivered: number } },
  start: () => Promise<void>,
): Promise<number> {
  const before = engine.stats.delivered;
  await start();
  return engine.stats.delivered - before;
}

// The parent is gone: so is this process (a worker never outlives its test).
process.on('disconnect', () => process.exit(0));

main().catch(async (error: unknown) => {
  await send({
    type: 'fatal',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  }).catch(() => undefined);
  process.exit(1);
});
