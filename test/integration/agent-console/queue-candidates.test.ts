/**
 * The agents' queue finds its conversations without scanning their versions: a session waiting
 * for a person, or held by one, always has its chat-limit timer pending (R001-7), and the queue
 * reads the conversations of those timers. These tests hold that invariant through a hand-off's
 * life and show a queue on a process never told of the conversation still lists it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeskQueue } from '../../../src/bot/agent-desk/queue.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import { startTestBot, type TestBot } from '../../support/runtime.ts';

describe('the queue, found from the chat-limit timers (issue 17: no scan of the versions)', () => {
  let bot: TestBot;
  /**
   * A process's queue that was never told of any hand-off: it knows only what it reads (a new
   * one each time: a queue reuses its look for 3 s).
   */
  let elsewhere: () => DeskQueue;

  beforeAll(async () => {
    bot = await startTestBot();
    const { runtime } = bot;
    elsewhere = () =>
      new DeskQueue(runtime.engine, runtime.domain, () =>
        runtime.stores.timers.conversationsWith(
          'chatLimit',
          new Date(
            bot.clock.now().getTime() + runtime.domain.policy.fairUse.chatLimitMinutes * 60_000,
          ),
        ),
      );
  });

  /** R001-7's timer of the state's session is pending whenever it waits for or is with a person. */
  async function expectTimerWhileWaiting(id: string): Promise<ConversationState> {
    const state = (await bot.runtime.engine.state(id))!;
    if (state.mode === 'queued' || state.mode === 'agent') {
      const deadline = state.deadlines.find((d) => d.kind === 'chatLimit');
      expect(deadline).toBeDefined();
      expect(await bot.runtime.stores.timers.timer(deadline!.id, deadline!.dueAt)).not.toBeNull();
    }
    return state;
  }

  async function queued(user: string): Promise<string> {
    await bot.say(user, 'Hola, mi cuenta es MX-1001');
    await bot.say(user, 'sí');
    await bot.say(user, { choice: 'person' });
    const id = `terminal:${user}`;
    expect((await expectTimerWhileWaiting(id)).mode).toBe('queued');
    return id;
  }

  it('R001-7: a queue never told of a hand-off lists the conversation, waiting since it was queued, through takeover and transfer', async () => {
    const queuedAt = bot.clock.now().toISOString();
    const id = await queued('queue-a');
    bot.clock.advance(60_000);
    const rows = await elsewhere().list('L2');
    expect(rows.map((r) => r.conversationId)).toContain(id);
    expect(rows.find((r) => r.conversationId === id)!.waitingSince).toBe(queuedAt);

    const engine = bot.runtime.engine;
    await engine.agentAction(id, 'takeover', 'marta@example.com', 'qa-1');
    expect((await expectTimerWhileWaiting(id)).mode).toBe('agent');
    expect((await elsewhere().list('L1')).map((r) => r.conversationId)).toContain(id);

    bot.clock.advance(60_000);
    await engine.agentAction(id, 'transfer', 'marta@example.com', 'qa-2');
    expect((await expectTimerWhileWaiting(id)).mode).toBe('queued');
    const moved = (await elsewhere().list('L2')).find((r) => r.conversationId === id)!;
    expect(moved).toMatchObject({ level: 'L2', agent: null });
    // Waiting since the transfer put it back in the queue.
    expect(moved.waitingSince).toBe(bot.clock.now().toISOString());
  });

  it('R001-7: when the chat limit fires in the queue, the conversation leaves it, and so does its timer', async () => {
    const id = await queued('queue-b');
    expect((await elsewhere().list('L2')).map((r) => r.conversationId)).toContain(id);
    bot.clock.advance(21 * 60_000);
    await bot.runtime.scheduler.tick();
    const state = await expectTimerWhileWaiting(id);
    expect(state.mode).not.toBe('queued');
    expect((await elsewhere().list('L2')).map((r) => r.conversationId)).not.toContain(id);
    expect(
      await bot.runtime.stores.timers.conversationsWith('chatLimit', bot.clock.now()),
    ).not.toContain(id);
  });
});
