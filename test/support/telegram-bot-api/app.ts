/**
 * The assembled atiende with its Telegram channel pointed at a Bot API emulator, on the test
 * database: what the Telegram end-to-end tests run.
 */
import {
  mailFromConfig,
  optionsFromConfig,
  startAtiende,
  type Atiende,
} from '../../../src/app/assemble.ts';
import { loadConfig } from '../../../src/app/config.ts';
import { createLogger } from '../../../src/app/logger.ts';
import type { TelegramSettings } from '../../../src/channels/telegram/settings.ts';
import type { DemoCode } from '../../../src/bot/flow-services.ts';
import { testDatabaseUri } from '../database.ts';
import { TelegramBotApiEmulator } from './emulator.ts';

export { TelegramBotApiEmulator } from './emulator.ts';

/** A Monday morning in Mexico City: the office is open, visits can be booked. */
export const OFFICE_HOURS = '2026-03-02T10:00:00-06:00';

export interface TelegramApp {
  app: Atiende;
  api: TelegramBotApiEmulator;
  /** Account codes the demo mailer would have sent (issue 12), newest last. */
  codes: DemoCode[];
  stop(): Promise<void>;
}

/**
 * Starts the emulator and atiende (demo data, `npm start`'s configuration read from the
 * environment given) with Telegram on it; `settings` overrides the channel's pacing. With
 * `webhook`, atiende's HTTP server takes the updates at that path, with that secret.
 */
export async function startTelegramApp(
  options: {
    env?: Record<string, string>;
    settings?: Partial<TelegramSettings>;
    webhook?: { path: string; secret: string };
  } = {},
): Promise<TelegramApp> {
  const api = new TelegramBotApiEmulator();
  await api.start();
  // The webhook's URL names atiende's port, known only once it listens: a port is reserved first.
  const port = options.webhook ? await freePort() : 0;
  const config = await loadConfig({
    MONGODB_URI: testDatabaseUri(),
    ATIENDE_SEED_DEMO: 'true',
    ATIENDE_CLOCK_START: OFFICE_HOURS,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ATIENDE_CHANNELS: 'http-json',
    // A test customer answers in milliseconds: the per-user limit is not what is tried here.
    ATIENDE_RATE_USER_BURST: '1000',
    ATIENDE_RATE_USER_PER_MINUTE: '100000',
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    ...(options.webhook
      ? {
          TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}${options.webhook.path}`,
          TELEGRAM_WEBHOOK_SECRET: options.webhook.secret,
        }
      : {}),
    ...options.env,
  });
  const codes: DemoCode[] = [];
  const base = optionsFromConfig(config, createLogger(config.logLevel));
  const app = await startAtiende({
    ...base,
    http: { host: '127.0.0.1', port },
    processMetrics: false,
    channelSettings: {
      ...base.channelSettings,
      telegram: { ...config.telegram!, perChatIntervalMs: 20, ...options.settings },
    },
    mail: { ...mailFromConfig(config), onDemoCode: (code) => codes.push(code) },
  });
  return {
    app,
    api,
    codes,
    async stop() {
      await app.stop();
      await api.stop();
    },
  };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
