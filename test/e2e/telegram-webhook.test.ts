/**
 * Issue 14, Telegram in webhook mode: Telegram posts updates to a route of atiende's HTTP
 * server, with the secret it was given at `setWebhook`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramApp, type TelegramApp } from '../support/telegram-bot-api/app.ts';
import { TelegramCustomer } from '../support/telegram-bot-api/customer.ts';
import type { Update } from '../support/telegram-bot-api/types.ts';

const SECRET = 'webhook-secret-for-the-tests-0123456789';
let t: TelegramApp;

beforeAll(async () => {
  t = await startTelegramApp({ webhook: { path: '/telegram/hook', secret: SECRET } });
});
afterAll(() => t?.stop());

describe('Telegram: a webhook on atiende’s HTTP server', () => {
  it('is set at start with its secret, and takes updates instead of long polling', async () => {
    expect(t.api.webhook).toEqual({
      url: `http://127.0.0.1:${t.app.port}/telegram/hook`,
      secret: SECRET,
    });
    expect(t.api.callsOf('getUpdates')).toHaveLength(0);
    const ana = new TelegramCustomer(t.api, { id: 4_001, languageCode: 'es' });
    const replies = await ana.says('Hola, mi cuenta es MX-1001');
    expect(replies.at(-1)?.text).toMatch(/¿Hablo con Laura Méndez/);
    const next = await ana.presses('Sí');
    expect(next.at(-1)?.text).toMatch(/¿En qué te puedo ayudar\?/);
  });

  it('refuses an update with a wrong or missing secret (401) and changes nothing', async () => {
    const chatId = 4_002;
    const update: Update = {
      update_id: 77_000_001,
      message: {
        message_id: 1,
        from: { id: chatId, is_bot: false, first_name: 'Eve' },
        chat: { id: chatId, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: 'Hola, mi cuenta es MX-1001',
      },
    };
    expect(await t.api.postToWebhook(update, 'not-the-secret-at-all-0000000000')).toBe(401);
    expect(await t.api.postToWebhook(update, null)).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.api.messagesTo(chatId)).toHaveLength(0);
    const conversation = await t.app.runtime.engine.repliesSince(`telegram:${chatId}`, 0);
    expect(conversation).toEqual({ replies: [], cursor: 0 });
  });

  it('answers an update Telegram posts twice (its webhook was not answered in time) once', async () => {
    const luis = new TelegramCustomer(t.api, { id: 4_003, languageCode: 'es' });
    const { update, status } = await t.api.userSends(luis.who, 'Hola, mi cuenta es MX-1001');
    expect(status).toBe(200);
    // The webhook answers once the turn is done: its replies are out by then.
    expect(luis.messages).toHaveLength(2);
    expect(await t.api.postToWebhook(update, SECRET)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(luis.messages).toHaveLength(2);
  });
});
