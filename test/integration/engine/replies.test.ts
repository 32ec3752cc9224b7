/**
 * Every reply reaches its customer: a resent message that was already answered gets the
 * replies that answered it, and a client that polls gets every reply of its conversation,
 * those of timers too, in order, once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../../support/runtime.ts';

const ids = (messages: { deliveryId: string }[]) => messages.map((m) => m.deliveryId);

describe('replies of a conversation, after they were delivered', () => {
  let bot: TestBot;
  const sent: { messageId: string; deliveryIds: string[] }[] = [];
  beforeAll(async () => {
    bot = await startTestBot();
    for (const [n, text] of ['Hola, mi cuenta es MX-1001', 'sí', 'falla técnica'].entries()) {
      const before = bot.channel.delivered.length;
      const messageId = `r${n + 1}`;
      await bot.runtime.engine.handle(bot.channel.inbound('rita', messageId, text));
      sent.push({ messageId, deliveryIds: ids(bot.channel.delivered.slice(before)) });
    }
  });

  it('a resent message gets the replies that answered it, the latest and an earlier one', async () => {
    const { engine } = bot.runtime;
    for (const { messageId, deliveryIds } of sent) {
      expect(deliveryIds.length).toBeGreaterThan(0);
      const again = bot.channel.inbound('rita', messageId, 'whatever was resent');
      expect(await engine.handle(again)).toBe('duplicate');
      const replies = await engine.answerTo('terminal:rita', messageId);
      expect(ids(replies)).toEqual(deliveryIds);
      expect(replies.every((r) => r.inReplyTo === messageId)).toBe(true);
    }
    expect(await engine.answerTo('terminal:rita', 'never-sent')).toEqual([]);
    expect(await engine.answerTo('terminal:nobody', 'r1')).toEqual([]);
  });

  it('a process that did not answer the message (nothing in memory) finds the same replies', async () => {
    const other = await startTestBot({ connection: bot.connection });
    const replies = await other.runtime.engine.answerTo('terminal:rita', 'r2');
    expect(ids(replies)).toEqual(sent[1]!.deliveryIds);
  });

  it('a client that polls gets every reply in order, those of a timer too, with a cursor', async () => {
    const { engine, scheduler } = bot.runtime;
    const all = await engine.repliesSince('terminal:rita', 0);
    expect(ids(all.replies)).toEqual(sent.flatMap((s) => s.deliveryIds));
    expect(all.cursor).toBe(3);
    expect(await engine.repliesSince('terminal:rita', all.cursor)).toEqual({
      replies: [],
      cursor: 3,
    });

    // The 20-minute limit answers no request (R001-7): only a poll or a push can reach it.
    bot.clock.advanceMinutes(20);
    expect(await scheduler.tick()).toBe(1);
    const later = await engine.repliesSince('terminal:rita', all.cursor);
    expect(later.replies.length).toBeGreaterThan(0);
    expect(later.replies.every((r) => r.inReplyTo === null)).toBe(true);
    expect(later.replies.some((r) => r.reply.key.startsWith('chatLimit.'))).toBe(true);

    // A page at a time.
    const page = await engine.repliesSince('terminal:rita', 0, 1);
    expect(page.cursor).toBe(1);
    expect(ids(page.replies)).toEqual(sent[0]!.deliveryIds);
  });
});
