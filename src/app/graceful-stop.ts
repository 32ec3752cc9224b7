/**
 * The order of a clean stop (issue 17): no new input first, the turns in flight finished, the
 * channels released, the journals flushed, the database last. Each step waits for the one
 * before; a failing step is logged and the next ones still run, so that the database is closed
 * and the process can exit.
 */
import type { FastifyInstance } from 'fastify';
import type { Database } from '../bot/database/connect.ts';
import type { Runtime } from '../bot/runtime.ts';
import type { ChannelAdapter } from '../channels/channel-adapter.ts';
import type { InFlight } from './in-flight.ts';
import type { Logger } from './logger.ts';

/** What a stop takes down, in order. */
export interface StopParts {
  readonly http: FastifyInstance | null;
  /** The channels that were started (none when `start` was never called). */
  readonly adapters: readonly ChannelAdapter[];
  readonly runtime: Runtime;
  readonly inFlight: InFlight;
  /**
   * Writes a turn starts and does not wait for: the agent desk's events, appended to the log the
   * other processes' consoles read. Waited for before the database closes.
   */
  readonly writesBehind?: readonly { readonly name: string; flushed(): Promise<void> }[];
  /** The database atiende opened (null when the caller gave the connection). */
  readonly database: Database | null;
  readonly logger: Logger;
}

/**
 * Stops atiende: HTTP stops listening and answers 503 to new requests while those in flight
 * end, the scheduler fires no more timers; the turns in flight finish; the channels stop taking
 * messages and release what they hold (the WhatsApp socket's lease); the runtime flushes its
 * journals and batchers, and the writes the turns left behind end (`writesBehind`); then the
 * database is closed (the embedded server stopped last).
 */
export async function stopInOrder(parts: StopParts): Promise<void> {
  const { runtime, inFlight, logger } = parts;
  const step = async (name: string, work: () => Promise<unknown>) => {
    const began = performance.now();
    try {
      await work();
      logger.debug(
        { step: name, ms: Math.round(performance.now() - began) },
        'stopping: step done',
      );
    } catch (error) {
      logger.error({ err: error, step: name }, 'stopping: a step failed, going on');
    }
  };
  await Promise.all([
    step('http', async () => parts.http?.close()),
    step('scheduler', () => runtime.scheduler.stop()),
  ]);
  await step('turns', () => inFlight.drained());
  for (const adapter of parts.adapters) await step(`channel ${adapter.kind}`, () => adapter.stop());
  // A polling channel's last messages, taken before it stopped.
  await step('turns', () => inFlight.drained());
  await step('runtime', () => runtime.stop());
  // Written by the last turns without waiting: on a closed client they would fail, lost.
  for (const writes of parts.writesBehind ?? []) await step(writes.name, () => writes.flushed());
  await step('database', async () => parts.database?.close());
}
