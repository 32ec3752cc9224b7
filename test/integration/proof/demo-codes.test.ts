/**
 * Issue 12: without SMTP_URL, on the demo defaults (demo data, not production) the account code
 * is shown in the log, marked as a demo, so that every flow can be tried; with NODE_ENV=production
 * it is never shown, no code is made, and the bot says it cannot send one and offers a person.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { mailFromConfig } from '../../../src/app/assemble.ts';
import { loadConfig } from '../../../src/app/config.ts';
import { keys, startTestBot } from '../../support/runtime.ts';

/** A pino logger whose lines are kept, as `npm start` would write them. */
function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

async function identifiedAtFollowUp(env: Record<string, string>) {
  const config = await loadConfig(env);
  const { lines, logger } = capturedLogger();
  const bot = await startTestBot({ mail: mailFromConfig(config), logger });
  await bot.say('ana', 'Hola, mi cuenta es MX-1001');
  await bot.say('ana', { choice: 'yes' });
  return { bot, lines, config, asked: await bot.say('ana', { choice: 'followUp' }) };
}

describe('account codes without a mail server (issue 12)', () => {
  it('on the demo defaults, the code is logged as a demo, and it proves the account', async () => {
    const { bot, lines, config, asked } = await identifiedAtFollowUp({ NODE_ENV: 'development' });
    expect(config.mail).toEqual({ smtp: null, demoCodes: true });
    expect(keys(asked)).toEqual(['proof.codeSent', 'proof.askCode']);
    const demo = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.demo);
    expect(demo).toMatchObject({ level: 40, demo: true, to: 'l***@delvalle.example' });
    expect(String(demo?.msg)).toMatch(/^DEMO ONLY, no SMTP_URL: account code \d{6} /);
    expect(keys(await bot.say('ana', String(demo?.code)))[0]).toBe('proof.proven');
    // Kept: the mail waits in the outbox, unsent, until it expires.
    expect(await bot.runtime.domain.mailOutbox.pending.countDocuments()).toBe(1);
  });

  it('with NODE_ENV=production no code is made nor logged: the bot says so and offers a person', async () => {
    const { bot, lines, config, asked } = await identifiedAtFollowUp({
      NODE_ENV: 'production',
      ATIENDE_SEED_DEMO: 'true',
    });
    expect(config.mail).toEqual({ smtp: null, demoCodes: false });
    expect(keys(asked)).toEqual(['proof.cannotSend', 'proof.offerPerson']);
    expect(lines.join('')).not.toMatch(/DEMO|"code"/);
    expect(await bot.runtime.domain.accountCodes.codes.countDocuments()).toBe(0);
    expect(await bot.runtime.domain.mailOutbox.pending.countDocuments()).toBe(0);
    expect(keys(await bot.say('ana', 'sí'))).toContain('handoff.queued');
  });

  it('with real customers (no demo data) and no SMTP_URL, codes are not shown either', async () => {
    const config = await loadConfig({
      NODE_ENV: 'development',
      MONGODB_URI: 'mongodb://db.example/atiende',
    });
    expect(config.mail.demoCodes).toBe(false);
  });
});
