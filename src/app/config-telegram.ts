import { z } from 'zod';
import { DEFAULT_TELEGRAM_SETTINGS, type TelegramSettings } from '../channels/telegram/settings.ts';
import { ConfigurationError } from '../domain/errors.ts';

/** An http(s) URL without credentials, as a Bot API root or a webhook address. */
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** The environment variables of the Telegram channel (issue 14). */
export const TELEGRAM_ENV = {
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, {
      error: 'must be the token BotFather gives, such as 123456789:AAH…',
    })
    .optional(),
  TELEGRAM_API_ROOT: httpUrl.optional(),
  TELEGRAM_WEBHOOK_URL: httpUrl.optional(),
  // Telegram's own rule for `secret_token`: 1–256 of A–Z, a–z, 0–9, _ and -.
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, {
      error: 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -',
    })
    .optional(),
};

type TelegramEnv = z.output<z.ZodObject<typeof TELEGRAM_ENV>>;

/**
 * The Telegram channel's settings, or null when no token is set (the channel is off). A webhook
 * needs its secret, so that nobody else can post updates in a customer's name.
 */
export function telegramConfigFrom(e: TelegramEnv): TelegramSettings | null {
  if (!e.TELEGRAM_BOT_TOKEN) {
    for (const name of [
      'TELEGRAM_API_ROOT',
      'TELEGRAM_WEBHOOK_URL',
      'TELEGRAM_WEBHOOK_SECRET',
    ] as const) {
      if (e[name] !== undefined)
        throw new ConfigurationError(`${name} is set but TELEGRAM_BOT_TOKEN is not`);
    }
    return null;
  }
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET)
    throw new ConfigurationError(
      'TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL: Telegram sends it with ' +
        'every update, and an update without it is refused',
    );
  if (e.TELEGRAM_WEBHOOK_SECRET && !e.TELEGRAM_WEBHOOK_URL)
    throw new ConfigurationError(
      'TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not (long polling needs no secret)',
    );
  return {
    ...DEFAULT_TELEGRAM_SETTINGS,
    token: e.TELEGRAM_BOT_TOKEN,
    apiRoot: (e.TELEGRAM_API_ROOT ?? DEFAULT_TELEGRAM_SETTINGS.apiRoot).replace(/\/+$/, ''),
    webhookUrl: e.TELEGRAM_WEBHOOK_URL ?? null,
    webhookSecret: e.TELEGRAM_WEBHOOK_SECRET ?? null,
  };
}
