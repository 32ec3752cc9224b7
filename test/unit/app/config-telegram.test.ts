import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.ts';
import { ConfigurationError } from '../../../src/domain/errors.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'a-webhook-secret-of-32-characters';

describe('issue 14: the Telegram channel from environment variables', () => {
  it('is off without a token, and on (long polling, Telegram’s API) when one is set', async () => {
    expect((await loadConfig({})).telegram).toBeNull();
    const config = await loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(config.channels).toEqual(['http-json', 'webchat', 'telegram']);
    expect(config.telegram).toMatchObject({
      token: TOKEN,
      apiRoot: 'https://api.telegram.org',
      webhookUrl: null,
      webhookSecret: null,
    });
  });

  it('takes a Bot API root and a webhook with its secret', async () => {
    const config = await loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/hook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    });
    expect(config.telegram).toMatchObject({
      apiRoot: 'http://127.0.0.1:8081',
      webhookUrl: 'https://bot.example.com/telegram/hook',
      webhookSecret: SECRET,
    });
  });

  it.each([
    [{ TELEGRAM_BOT_TOKEN: 'not-a-token' }, 'TELEGRAM_BOT_TOKEN'],
    [{ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'ftp://x' }, 'TELEGRAM_API_ROOT'],
    [
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'bot.example.com' },
      'TELEGRAM_WEBHOOK_URL',
    ],
    [
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/hook' },
      'TELEGRAM_WEBHOOK_SECRET is required',
    ],
    [
      {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/hook',
        TELEGRAM_WEBHOOK_SECRET: 'short',
      },
      'TELEGRAM_WEBHOOK_SECRET',
    ],
    [{ TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/hook' }, 'TELEGRAM_BOT_TOKEN is not'],
    [{ ATIENDE_CHANNELS: 'telegram' }, 'TELEGRAM_BOT_TOKEN'],
  ])('refuses %o naming the variable', async (env, message) => {
    const error = await loadConfig(env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(message);
    // A token is a secret: never shown in the message.
    expect((error as Error).message).not.toContain('AAHdqTcv');
  });
});
