import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.ts';
import { ConfigurationError } from '../../../src/domain/errors.ts';

describe('configuration from environment variables', () => {
  it('has embedded defaults', async () => {
    const config = await loadConfig({});
    expect(config).toMatchObject({
      mongodbUri: undefined,
      dataDir: './data',
      seedDemo: true,
      port: 3978,
    });
    expect(config.policy.officeHours.windows).toHaveLength(2);
  });

  it.each([
    ['MONGODB_URI', 'postgres://x', 'must start with mongodb://'],
    ['ATIENDE_CLOCK_SPEED', 'fast', 'must be a number'],
    ['ATIENDE_CLOCK_START', 'tomorrow', 'must be an ISO instant'],
    ['PORT', '70000', 'between 0 and 65535'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
  ])('refuses %s=%s with a clear message', async (name, value, message) => {
    const error = await loadConfig({ [name]: value }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain(message);
  });

  it('refuses the retention variable generations replaced, naming the new one (issue 17)', async () => {
    const error = await loadConfig({ ATIENDE_COMPACT_IDLE_DAYS: '30' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('ATIENDE_COMPACT_IDLE_DAYS');
    expect((error as Error).message).toContain('ATIENDE_COMPACT_PERIOD_DAYS');
    const config = await loadConfig({ ATIENDE_COMPACT_PERIOD_DAYS: '7' });
    expect(config.retention.periodMs).toBe(7 * 86_400_000);
  });

  it('refuses the simulated clock in production', async () => {
    await expect(loadConfig({ NODE_ENV: 'production', ATIENDE_CLOCK_SPEED: '60' })).rejects.toThrow(
      /refused when NODE_ENV=production/,
    );
  });

  it('runs a simulated clock from ATIENDE_CLOCK_START at ATIENDE_CLOCK_SPEED', async () => {
    const config = await loadConfig({
      ATIENDE_CLOCK_START: '2026-03-13T22:00:00-06:00',
      ATIENDE_CLOCK_SPEED: '60',
    });
    const first = config.clock.now().getTime();
    expect(Math.abs(first - Date.parse('2026-03-14T04:00:00Z'))).toBeLessThan(60_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(config.clock.now().getTime() - first).toBeGreaterThanOrEqual(10_000);
  });

  it('reads and validates the policy file named by ATIENDE_POLICY', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'policy-'));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ fairUse: { chatLimitMinutes: 30 } }));
    expect((await loadConfig({ ATIENDE_POLICY: good })).policy.fairUse.chatLimitMinutes).toBe(30);
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ officeHours: { windows: [{ start: '25:00', end: '12:00' }] } }),
    );
    await expect(loadConfig({ ATIENDE_POLICY: bad })).rejects.toThrow(/25:00/);
    await writeFile(bad, '{ not json');
    await expect(loadConfig({ ATIENDE_POLICY: bad })).rejects.toThrow(/not valid JSON/);
    await expect(loadConfig({ ATIENDE_POLICY: join(dir, 'missing.json') })).rejects.toThrow(
      /cannot read/,
    );
  });

  it('serves the networks named by ATIENDE_CHANNELS, the HTTP JSON chat by default', async () => {
    expect((await loadConfig({})).channels).toEqual(['http-json', 'webchat']);
    expect((await loadConfig({ ATIENDE_CHANNELS: 'terminal, http-json' })).channels).toEqual([
      'terminal',
      'http-json',
    ]);
    const error = await loadConfig({ ATIENDE_CHANNELS: 'http-json,signal' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(
      'ATIENDE_CHANNELS="http-json,signal": must be a comma-separated list of terminal, http-json',
    );
  });

  it('keeps the doors locked by default: loopback, no key (open, warned), rate limits on', async () => {
    const config = await loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.httpJson).toEqual({
      apiKey: null,
      callbackUrl: null,
      callbackToken: null,
      allowedOrigins: [],
    });
    expect(config.httpServer).toEqual({
      requestTimeoutMs: 10_000,
      maxConnections: 1_000,
      trustProxy: false,
    });
    expect(config.rateLimits).toEqual({
      user: { burst: 5, perMinute: 30 },
      address: { burst: 60, perMinute: 600 },
    });
  });

  it('reads the API key, callback, origins, HTTP limits and rate limits', async () => {
    const config = await loadConfig({
      ATIENDE_API_KEY: 'a-key-of-sixteen-chars',
      HTTP_JSON_CALLBACK_URL: 'https://crm.example.com/atiende',
      HTTP_JSON_CALLBACK_TOKEN: 'tok',
      HTTP_JSON_ALLOWED_ORIGINS: 'https://shop.example.com, http://localhost:5173',
      HTTP_REQUEST_TIMEOUT_MS: '5000',
      HTTP_MAX_CONNECTIONS: '200',
      HTTP_TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      ATIENDE_RATE_USER_BURST: '3',
      ATIENDE_RATE_USER_PER_MINUTE: '20',
      ATIENDE_RATE_ADDRESS_BURST: '100',
      ATIENDE_RATE_ADDRESS_PER_MINUTE: '3000',
    });
    expect(config.httpJson).toEqual({
      apiKey: 'a-key-of-sixteen-chars',
      callbackUrl: 'https://crm.example.com/atiende',
      callbackToken: 'tok',
      allowedOrigins: ['https://shop.example.com', 'http://localhost:5173'],
    });
    expect(config.httpServer).toEqual({
      requestTimeoutMs: 5_000,
      maxConnections: 200,
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
    });
    expect(config.rateLimits).toEqual({
      user: { burst: 3, perMinute: 20 },
      address: { burst: 100, perMinute: 3_000 },
    });
  });

  it.each([
    ['HTTP_JSON_CALLBACK_URL', 'ftp://x', 'http:// or https://'],
    ['HTTP_JSON_ALLOWED_ORIGINS', 'https://shop.example.com/path', 'list of origins'],
    ['HTTP_REQUEST_TIMEOUT_MS', '10', 'between 500'],
    ['ATIENDE_RATE_USER_PER_MINUTE', '0', 'between 1'],
    ['HTTP_TRUST_PROXY', 'yes please', 'proxy addresses'],
  ])('refuses %s=%s', async (name, value, message) => {
    await expect(loadConfig({ [name]: value })).rejects.toThrow(message);
  });

  it('never shows a secret in its errors', async () => {
    const error = (await loadConfig({
      ATIENDE_API_KEY: 'tiny',
      MONGODB_URI: 'mongodb://atiende:pa55word@db.example.com:27017 /x',
      HTTP_JSON_CALLBACK_URL: 'nope://u:hunter2@x',
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('ATIENDE_API_KEY="***"');
    expect(error.message).toContain('mongodb://atiende:***@db.example.com');
    expect(error.message).toContain('HTTP_JSON_CALLBACK_URL="nope://u:***@x"');
    expect(error.message).not.toMatch(/tiny|pa55word|hunter2/);
  });
});

describe('SMTP_URL and the account codes (issue 12)', () => {
  it.each([
    ['http://user:hunter2-secret@mail.example', 'must be an SMTP server URL'],
    ['smtp://user:hunter2-secret@', 'must be an SMTP server URL'],
    ['mail.example:587', 'must be an SMTP server URL'],
  ])(
    'refuses SMTP_URL=%s naming the variable, never printing its password',
    async (value, message) => {
      const error = await loadConfig({ SMTP_URL: value }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain('SMTP_URL=');
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain('hunter2-secret');
    },
  );

  it('keeps SMTP_URL secret: its password is in no log line, JSON or inspection of the configuration', async () => {
    const config = await loadConfig({
      SMTP_URL: 'smtps://atiende:hunter2-secret@mail.example:465',
    });
    expect(config.mail.smtp?.url.reveal()).toBe('smtps://atiende:hunter2-secret@mail.example:465');
    expect(config.mail.demoCodes).toBe(false);
    for (const shown of [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      `${config.mail.smtp?.url}`,
    ])
      expect(shown).not.toContain('hunter2-secret');
    expect(JSON.stringify(config.mail)).toContain('smtps://atiende:***@mail.example:465');
  });

  it('issue 16: the visit reminder defaults to the business day before, the unanswered case to 16 business hours, both configurable', async () => {
    expect((await loadConfig({})).followUp).toEqual({
      visitReminderBusinessDays: 1,
      confirmationWaitBusinessMinutes: 960,
    });
    const config = await loadConfig({
      ATIENDE_VISIT_REMINDER_DAYS: '2',
      ATIENDE_CONFIRMATION_WAIT_HOURS: '24',
    });
    expect(config.followUp).toEqual({
      visitReminderBusinessDays: 2,
      confirmationWaitBusinessMinutes: 1440,
    });
    await expect(loadConfig({ ATIENDE_CONFIRMATION_WAIT_HOURS: '0' })).rejects.toThrow(
      /ATIENDE_CONFIRMATION_WAIT_HOURS/,
    );
  });

  it('issue 16: the survey links need ATIENDE_PUBLIC_URL and ATIENDE_LINK_SECRET together, and never show the secret', async () => {
    expect((await loadConfig({})).surveyLink).toBeNull();
    const secret = 'x'.repeat(40);
    const config = await loadConfig({
      ATIENDE_PUBLIC_URL: 'https://support.example',
      ATIENDE_LINK_SECRET: secret,
    });
    expect(config.surveyLink?.publicUrl).toBe('https://support.example');
    expect(config.surveyLink?.secret()).toBe(secret);
    expect(JSON.stringify(config)).not.toContain(secret);
    await expect(loadConfig({ ATIENDE_PUBLIC_URL: 'https://support.example' })).rejects.toThrow(
      /ATIENDE_LINK_SECRET/,
    );
    await expect(loadConfig({ ATIENDE_LINK_SECRET: 'short' })).rejects.toThrow(
      /ATIENDE_LINK_SECRET/,
    );
  });

  it('takes ATIENDE_MAIL_FROM as an address, or a name and an address', async () => {
    const config = await loadConfig({
      SMTP_URL: 'smtp://mail.example',
      ATIENDE_MAIL_FROM: 'Soporte <soporte@empresa.example>',
    });
    expect(config.mail.smtp?.from).toBe('Soporte <soporte@empresa.example>');
    await expect(loadConfig({ ATIENDE_MAIL_FROM: 'soporte' })).rejects.toThrow(/ATIENDE_MAIL_FROM/);
  });

  it('shows account codes as a demo only on the demo defaults outside production, without SMTP_URL', async () => {
    expect((await loadConfig({})).mail).toEqual({ smtp: null, demoCodes: true });
    expect((await loadConfig({ NODE_ENV: 'production' })).mail.demoCodes).toBe(false);
    expect((await loadConfig({ ATIENDE_SEED_DEMO: 'false' })).mail.demoCodes).toBe(false);
    expect((await loadConfig({ SMTP_URL: 'smtp://mail.example' })).mail.demoCodes).toBe(false);
  });
});
