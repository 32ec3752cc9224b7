import mongoose from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../../src/bot/runtime.ts';
import { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { databaseUri } from '../../support/database.ts';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';

describe('durable timers on the real database', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });

  it('R001-7: a chat past 20 minutes becomes a ticket with its transcript, and the session closes', async () => {
    await bot.say('ana', 'Hola, mi cuenta es MX-1001');
    await bot.say('ana', 'sí');
    await bot.say('ana', { choice: 'technical' });

    bot.clock.advanceMinutes(19);
    expect(await bot.runtime.scheduler.tick()).toBe(0); // not yet: 19 minutes

    bot.clock.advanceMinutes(1);
    const before = bot.channel.to('ana').length;
    expect(await bot.runtime.scheduler.tick()).toBe(1);
    const replies = bot.channel.to('ana').slice(before);
    expect(keys(replies).some((k) => k.startsWith('chatLimit.'))).toBe(true);

    const state = await bot.runtime.engine.state('terminal:ana');
    expect(state?.mode).toBe('closed');
    const cases = await bot.runtime.domain.cases.openCasesOf('MX-1001');
    const ticket = cases.find((c) => c.conversationId === 'terminal:ana');
    expect(ticket).toBeDefined();
    const transcript = (await bot.runtime.domain.cases.timeline(ticket!.number)).find(
      (e) => e.kind === 'transcript',
    );
    expect(transcript?.text).toContain('customer: Hola, mi cuenta es MX-1001');

    // Fires once: a later tick finds nothing.
    bot.clock.advanceMinutes(5);
    expect(await bot.runtime.scheduler.tick()).toBe(0);
  });

  it('R001-7: a customer who writes after the ticket starts a new session with a new 20-minute limit', async () => {
    const replies = await bot.say('ana', 'Hola otra vez');
    expect(keys(replies)).toContain('welcome.greeting');
    const state = await bot.runtime.engine.state('terminal:ana');
    expect(state).toMatchObject({ mode: 'bot', session: 2 });
    expect(state!.deadlines[0]!.dueAt.getTime() - bot.clock.now().getTime()).toBe(20 * 60_000);
  });

  it('R001-7: two processes ticking at once fire a deadline once', async () => {
    // A second runtime on its own connection to the same database stands for a second process.
    const other = mongoose.createConnection(databaseUri(bot.connection.name));
    await other.asPromise();
    const channel2 = new InProcessChannel('terminal');
    const second = await createRuntime({
      connection: other,
      policy: DEFAULT_POLICY,
      clock: bot.clock,
      channels: [channel2],
    });
    try {
      const users = Array.from({ length: 20 }, (_, i) => `twin-${i}`);
      await Promise.all(users.map((u) => bot.say(u, 'Hola')));
      bot.clock.advanceMinutes(21);
      const fired = await Promise.all([bot.runtime.scheduler.tick(), second.scheduler.tick()]);
      expect(fired[0] + fired[1]).toBeGreaterThanOrEqual(20);
      const all = [...bot.channel.delivered, ...channel2.delivered];
      for (const u of users) {
        const limits = all.filter(
          (m) => m.channelUserId === u && m.reply.key.startsWith('chatLimit.'),
        );
        const distinct = new Set(limits.map((m) => m.deliveryId));
        expect(distinct.size, u).toBe(limits.length);
        expect(new Set(limits.map((m) => m.reply.key)).size).toBe(limits.length);
        expect(limits.length, u).toBeGreaterThan(0);
        const states = await bot.runtime.stores.versions.states.countDocuments({
          conversationId: `terminal:${u}`,
          answers: { $regex: '^timer:' },
        });
        expect(states, u).toBe(1);
      }
    } finally {
      await second.stop();
      await other.close();
    }
  });
});
