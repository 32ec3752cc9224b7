/**
 * Issue 14, Telegram: what happens to replies on their way out — Telegram's limits and 429s, a
 * customer who blocked the bot, a reply the engine sends again after a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram-channel.ts';
import { startTelegramApp, type TelegramApp } from '../support/telegram-bot-api/app.ts';
import { TelegramCustomer } from '../support/telegram-bot-api/customer.ts';
import { channelContext } from '../unit/channels/context.ts';

let t: TelegramApp;
let chatIds = 9_000;
const customer = () => new TelegramCustomer(t.api, { id: ++chatIds, languageCode: 'es' });

beforeAll(async () => {
  // Telegram's own pace within a chat: one message a second.
  t = await startTelegramApp({ settings: { perChatIntervalMs: 1000 } });
});
afterAll(() => t?.stop());

describe('Telegram: replies within Telegram’s limits, once, and not to who blocked the bot', () => {
  it('sends about one message a second to a chat; a 429 waits retry_after and keeps the order', async () => {
    const ana = customer();
    t.api.failNext(
      'sendMessage',
      {
        error_code: 429,
        description: 'Too Many Requests: retry after 2',
        parameters: { retry_after: 2 },
      },
      { chatId: ana.who.id },
    );
    await t.api.userSends(ana.who, 'Hola, mi cuenta es MX-1001');
    const [greeting, question] = await t.api.waitFor(ana.who.id, (m) => m.length >= 2);
    // The greeting was refused once, sent again 2 s later, and still came first.
    expect(greeting!.text).toMatch(/Soy el asistente de soporte/);
    expect(question!.text).toMatch(/¿Hablo con Laura Méndez/);
    const refused = t.api.callsOf('sendMessage', ana.who.id).find((c) => c.ok === 429)!;
    expect(greeting!.at - refused.at).toBeGreaterThanOrEqual(2000);
    expect(question!.at - greeting!.at).toBeGreaterThanOrEqual(950);
  });

  it('a customer who blocked the bot (403) is marked unreachable, nothing is retried, and writing again undoes it', async () => {
    const luis = customer();
    t.api.block(luis.who.id);
    await t.api.userSends(luis.who, 'Hola, mi cuenta es MX-1001');
    await waitUntil(() => t.api.callsOf('sendMessage', luis.who.id).length >= 1);
    const conversationId = `telegram:${luis.who.id}`;
    const marks = t.app.runtime.domain.channelMarks;
    await waitUntil(async () => (await marks.check('-', conversationId)).unreachable);
    // Its other reply, and the engine's delivery recovery, try nothing more.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await t.app.runtime.engine.recoverDeliveries();
    await t.app.runtime.engine.recoverDeliveries();
    expect(t.api.callsOf('sendMessage', luis.who.id).map((c) => c.ok)).toEqual([403]);

    t.api.unblock(luis.who.id);
    const replies = await luis.says('hola, ya te desbloqueé');
    expect(replies.length).toBeGreaterThan(0);
    expect((await marks.check('-', conversationId)).unreachable).toBe(false);
  });

  it('a reply the Bot API refuses as it is (400) is dropped, not tried forever', async () => {
    const eva = customer();
    t.api.failNext(
      'sendMessage',
      { error_code: 400, description: 'Bad Request: chat not found' },
      { chatId: eva.who.id },
    );
    await t.api.userSends(eva.who, 'Hola, mi cuenta es MX-1001');
    await t.api.waitFor(eva.who.id, (m) => m.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await t.app.runtime.engine.recoverDeliveries();
    await t.app.runtime.engine.recoverDeliveries();
    expect(t.api.callsOf('sendMessage', eva.who.id).map((c) => c.ok)).toEqual([400, true]);
  });

  it('a reply the engine sends again after a crash goes out once, in this process or another', async () => {
    const rosa = customer();
    await t.api.userSends(rosa.who, 'Hola, mi cuenta es MX-1001');
    await t.api.waitFor(rosa.who.id, (m) => m.length >= 2);
    const conversationId = `telegram:${rosa.who.id}`;
    const replies = await t.app.runtime.engine.answerTo(conversationId, 'm1');
    expect(replies).toHaveLength(2);
    const sent = () => t.api.callsOf('sendMessage', rosa.who.id).length;
    const before = sent();
    await t.app.channel('telegram').deliver(replies[1]!);
    expect(sent()).toBe(before);
    // Another process (or this one restarted): nothing in memory, the mark in the database.
    const other = new TelegramChannel(
      channelContext({
        marks: t.app.runtime.domain.channelMarks,
        settings: { telegram: t.app.channel('telegram').settings },
      }),
    );
    await other.deliver(replies[1]!);
    expect(sent()).toBe(before);
    // A reply it had not sent goes out.
    await other.deliver({ ...replies[1]!, deliveryId: `${conversationId}:99:0` });
    expect(sent()).toBe(before + 1);
  });
});

async function waitUntil(condition: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
