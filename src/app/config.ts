import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigurationError } from '../domain/errors.ts';
import { DEFAULT_POLICY, parsePolicy, type PolicyConfig } from '../domain/policy/index.ts';
import { SimulatedClock, systemClock, type Clock } from '../domain/clock.ts';
import { CHANNEL_KINDS, LANGUAGES, type ChannelKind } from '../domain/types.ts';
import { HTTP_ENV, httpConfigFrom, type HttpConfig } from './config-http.ts';
import { TELEGRAM_ENV, telegramConfigFrom } from './config-telegram.ts';
import type { TelegramSettings } from '../channels/telegram/settings.ts';
import { WHATSAPP_ENV, channelsWithWhatsApp, type WhatsAppConfig } from './config-whatsapp.ts';
import { WEBCHAT_ENV, webchatConfigFrom } from './config-webchat.ts';
import { RETENTION_ENV, retentionConfigFrom } from './config-retention.ts';
import type { RetentionSettings } from '../bot/retention/index.ts';
import {
  FOLLOW_UP_ENV,
  followUpConfigFrom,
  surveyLinkConfigFrom,
  type SurveyLinkConfig,
} from './config-follow-up.ts';
import type { FollowUpSettings } from '../bot/case-follow-up.ts';
import type { WebchatSettings } from '../channels/webchat/settings.ts';
import { SecretUrl, shownEnvValue } from './redact.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Whether a value is an SMTP server URL nodemailer can use: smtp(s)://[user:password@]host[:port]. */
function isSmtpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return ['smtp:', 'smtps:'].includes(url.protocol) && url.hostname !== '' && !/\s/.test(value);
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, { error: 'must start with mongodb:// or mongodb+srv://' })
    .optional(),
  ATIENDE_DATA_DIR: z.string().min(1).default('./data'),
  ATIENDE_POLICY: z.string().min(1).optional(),
  ATIENDE_LANGUAGE: z.enum(LANGUAGES).optional(),
  ATIENDE_CLOCK_START: z.iso
    .datetime({ offset: true, error: 'must be an ISO instant such as 2026-03-02T07:00:00-06:00' })
    .optional(),
  ATIENDE_CLOCK_SPEED: z.coerce
    .number({ error: 'must be a number of simulated seconds per real second' })
    .positive({ error: 'must be greater than 0' })
    .max(100_000, { error: 'must be at most 100000' })
    .optional(),
  ATIENDE_SEED_DEMO: z.enum(['true', 'false']).optional(),
  ATIENDE_SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be 0 or more' })
    .default(10_000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be between 0 and 65535' })
    .max(65535, { error: 'must be between 0 and 65535' })
    .default(3978),
  HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_URL: z
    .string()
    .refine(isSmtpUrl, {
      error:
        'must be an SMTP server URL: smtp://user:password@host:587 or smtps://user:password@host:465',
    })
    .optional(),
  ATIENDE_MAIL_FROM: z
    .string()
    .regex(/^[^<>@\s]+@[^<>@\s]+$|^[^<>]*<[^<>@\s]+@[^<>@\s]+>$/, {
      error: 'must be an address, or a name and an address: "Soporte <soporte@empresa.example>"',
    })
    .default('atiende <atiende@localhost>'),
  ATIENDE_CHANNELS: z
    .string()
    .default('http-json,webchat')
    .transform((list) => [...new Set(list.split(',').map((name) => name.trim()))])
    .pipe(
      z.array(
        z.enum(CHANNEL_KINDS, {
          error: `must be a comma-separated list of ${CHANNEL_KINDS.join(', ')}`,
        }),
      ),
    ),
  ...HTTP_ENV,
  ...TELEGRAM_ENV,
  ...WHATSAPP_ENV,
  ...WEBCHAT_ENV,
  ...RETENTION_ENV,
  ...FOLLOW_UP_ENV,
});

/** The validated configuration of a running atiende. */
export interface AppConfig extends HttpConfig {
  env: 'development' | 'production' | 'test';
  mongodbUri: string | undefined;
  dataDir: string;
  policyPath: string | undefined;
  policy: PolicyConfig;
  clock: Clock;
  /** Whether demo customers are loaded at start (default: only on the embedded database). */
  seedDemo: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  /** How long a stop on SIGTERM/SIGINT may take before the process exits at once (issue 17). */
  shutdownTimeoutMs: number;
  port: number;
  host: string;
  /**
   * The networks served (the HTTP JSON chat and the web chat by default; Telegram too when its
   * token is set).
   */
  channels: ChannelKind[];
  /** The Telegram channel's settings, null when `TELEGRAM_BOT_TOKEN` is not set (issue 14). */
  telegram: TelegramSettings | null;
  /**
   * E-mail (issue 12): the SMTP server (its URL a secret) and the sender; without one, account
   * codes are shown as a demo on the embedded demo defaults outside production, and cannot be
   * sent otherwise.
   */
  mail: { smtp: { url: SecretUrl; from: string } | null; demoCodes: boolean };
  /** WhatsApp (issue 14): served when `channels` has it; a pairing code or a QR. */
  whatsapp: WhatsAppConfig;
  /** The web chat (issue 15): Bot Framework app, Direct Line token key, conversation limits. */
  webchat: WebchatSettings;
  /** Retention (issue 17): when idle conversations are compacted, and how often. */
  retention: RetentionSettings;
  /** Issue 16: the visit reminder's and the unanswered confirmation's waits. */
  followUp: FollowUpSettings;
  /** Issue 16: the survey's answer links in mails; null: answered in the chat only. */
  surveyLink: SurveyLinkConfig | null;
}

/** Reads configuration from environment variables, with a clear message for a bad value. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<AppConfig> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return `  ${name}=${JSON.stringify(shownEnvValue(name, env[name]))}: ${issue.message}`;
    });
    throw new ConfigurationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;

  let policy = DEFAULT_POLICY;
  if (e.ATIENDE_POLICY) {
    let text: string;
    try {
      text = await readFile(resolve(e.ATIENDE_POLICY), 'utf8');
    } catch (error) {
      throw new ConfigurationError(
        `ATIENDE_POLICY: cannot read ${e.ATIENDE_POLICY}: ${(error as Error).message}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ConfigurationError(
        `ATIENDE_POLICY: ${e.ATIENDE_POLICY} is not valid JSON: ${(error as Error).message}`,
      );
    }
    policy = parsePolicy(json);
  }
  if (e.ATIENDE_LANGUAGE)
    policy = { ...policy, language: { ...policy.language, default: e.ATIENDE_LANGUAGE } };

  const simulated = e.ATIENDE_CLOCK_START !== undefined || e.ATIENDE_CLOCK_SPEED !== undefined;
  if (simulated && e.NODE_ENV === 'production') {
    throw new ConfigurationError(
      'ATIENDE_CLOCK_START and ATIENDE_CLOCK_SPEED simulate time for trying the policy; they are refused when NODE_ENV=production.',
    );
  }
  const clock = simulated
    ? new SimulatedClock(
        e.ATIENDE_CLOCK_START ? new Date(e.ATIENDE_CLOCK_START) : systemClock.now(),
        e.ATIENDE_CLOCK_SPEED ?? 1,
      )
    : systemClock;

  const seedDemo = e.ATIENDE_SEED_DEMO
    ? e.ATIENDE_SEED_DEMO === 'true'
    : e.MONGODB_URI === undefined;
  const telegram = telegramConfigFrom(e);
  const channels = channelsWithWhatsApp(e.ATIENDE_CHANNELS, e.WHATSAPP_ENABLED);
  if (telegram && !channels.includes('telegram')) channels.push('telegram');
  if (!telegram && channels.includes('telegram'))
    throw new ConfigurationError('ATIENDE_CHANNELS: telegram needs TELEGRAM_BOT_TOKEN');
  const smtp = e.SMTP_URL ? { url: new SecretUrl(e.SMTP_URL), from: e.ATIENDE_MAIL_FROM } : null;

  return {
    env: e.NODE_ENV,
    mongodbUri: e.MONGODB_URI,
    dataDir: e.ATIENDE_DATA_DIR,
    policyPath: e.ATIENDE_POLICY,
    policy,
    clock,
    seedDemo,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.ATIENDE_SHUTDOWN_TIMEOUT_MS,
    port: e.PORT,
    host: e.HOST,
    channels,
    telegram,
    ...httpConfigFrom(e),
    webchat: webchatConfigFrom(e),
    retention: retentionConfigFrom(e),
    mail: { smtp, demoCodes: smtp === null && e.NODE_ENV !== 'production' && seedDemo },
    whatsapp: { pairingPhone: e.WHATSAPP_PAIRING_PHONE ?? null },
    followUp: followUpConfigFrom(e),
    surveyLink: surveyLinkConfigFrom(e),
  };
}
