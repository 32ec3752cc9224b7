/**
 * Another "process" on a test bot's database: a runtime of its own, on its own connection, with
 * the bot's clock and a terminal channel — what a restarted or a second server would be.
 */
import mongoose from 'mongoose';
import { createRuntime, type Runtime } from '../../src/bot/runtime.ts';
import { InProcessChannel } from '../../src/channels/terminal/in-process-channel.ts';
import { DEFAULT_POLICY } from '../../src/domain/policy/index.ts';
import { databaseUri } from './database.ts';
import type { TestBot } from './runtime.ts';

export interface SecondProcess {
  runtime: Runtime;
  channel: InProcessChannel;
  /** Stops the runtime and closes its connection. */
  stop(): Promise<void>;
}

/** Starts the second process; `options` go to its runtime (order wait, log, …). */
export async function startSecondProcess(
  bot: TestBot,
  options: Pick<Parameters<typeof createRuntime>[0], 'orderWaitMs' | 'log'> = {},
): Promise<SecondProcess> {
  const connection = mongoose.createConnection(databaseUri(bot.connection.name));
  await connection.asPromise();
  const channel = new InProcessChannel('terminal');
  const runtime = await createRuntime({
    connection,
    policy: DEFAULT_POLICY,
    clock: bot.clock,
    channels: [channel],
    ...options,
  });
  return {
    runtime,
    channel,
    async stop() {
      await runtime.stop();
      await connection.close();
    },
  };
}
