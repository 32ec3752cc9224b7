import type { Connection } from 'mongoose';
import { afterAll } from 'vitest';
import { assembleAtiende } from '../../src/app/assemble.ts';
import type { OutboundMessage } from '../../src/bot/engine/messages.ts';
import type { Runtime, RuntimeMailOptions } from '../../src/bot/runtime.ts';
import type { Logger } from '../../src/app/logger.ts';
import type { InProcessChannel } from '../../src/channels/terminal/in-process-channel.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { DEFAULT_POLICY, type PolicyConfig } from '../../src/domain/policy/index.ts';
import { openTestConnection } from './database.ts';

export interface TestBot {
  runtime: Runtime;
  channel: InProcessChannel;
  clock: ManualClock;
  connection: Connection;
  /** Sends a text (or a `{ choice }`) as `user`; returns the replies it produced. */
  say(user: string, message: string | { choice: string }): Promise<OutboundMessage[]>;
}

let counter = 0;

/**
 * atiende assembled on a fresh database with demo data, the terminal channel and a manual
 * clock; not started: the scheduler fires only when a test ticks it.
 */
export async function startTestBot(
  options: {
    start?: string;
    policy?: PolicyConfig;
    connection?: Connection;
    /** E-mail (issue 12): a mailer, or demo codes; by default codes cannot be sent. */
    mail?: RuntimeMailOptions;
    logger?: Logger;
  } = {},
): Promise<TestBot> {
  const connection = options.connection ?? (await openTestConnection());
  const clock = new ManualClock(options.start ?? '2026-03-10T16:00:00Z'); // Tue 10:00 in CDMX
  const atiende = await assembleAtiende({
    database: { connection },
    policy: options.policy ?? DEFAULT_POLICY,
    clock,
    channels: ['terminal'],
    seedDemo: true,
    ...(options.mail ? { mail: options.mail } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  afterAll(() => atiende.stop());
  const channel = atiende.channel('terminal');
  return {
    runtime: atiende.runtime,
    channel,
    clock,
    connection,
    async say(user, message) {
      const before = channel.delivered.length;
      const id = `m${++counter}`;
      const inbound =
        typeof message === 'string'
          ? channel.inbound(user, id, message)
          : channel.inbound(user, id, '', { choice: message.choice });
      await channel.receive(inbound);
      return channel.delivered.slice(before).filter((m) => m.channelUserId === user);
    },
  };
}

/** The i18n keys of replies. */
export const keys = (messages: OutboundMessage[]) => messages.map((m) => m.reply.key);
