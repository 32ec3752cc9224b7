// npm run chat: talk to atiende in the terminal as a customer, on the embedded database with
// the demo data. Flags: --lang es|en|pt, --at <ISO instant> (simulated start), --speed <n>
// (simulated seconds per real second), --user <id>. Commands: /wait <minutes>, /time, /quit.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { RateLimited } from '../channels/errors.ts';
import { checkId } from '../channels/inbound-ids.ts';
import { ShiftedClock } from '../domain/clock.ts';
import { ValidationError } from '../domain/errors.ts';
import { isLanguage } from '../domain/types.ts';
import type { DemoCode } from '../bot/flow-services.ts';
import { mailFromConfig, startAtiende } from './assemble.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { redactText } from './redact.ts';

const USAGE =
  'usage: npm run chat -- [--lang es|en|pt] [--at 2026-03-13T22:00:00-06:00] [--speed 60] [--user me]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lang: { type: 'string' },
      at: { type: 'string' },
      speed: { type: 'string' },
      user: { type: 'string', default: `terminal-${process.pid}` },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.lang !== undefined && !isLanguage(values.lang))
    throw new ValidationError('--lang must be es, en or pt');
  checkId('--user', values.user);
  const env = { ...process.env };
  if (values.at) env.ATIENDE_CLOCK_START = values.at;
  if (values.speed) env.ATIENDE_CLOCK_SPEED = values.speed;
  const config = await loadConfig(env);
  const clock = new ShiftedClock(config.clock);

  // Account codes on the demo defaults without SMTP_URL: shown here, marked as a demo.
  const demoCodes: DemoCode[] = [];
  process.stdout.write('Starting atiende (embedded database)…\n');
  const atiende = await startAtiende({
    database: {
      uri: config.mongodbUri,
      dataDir: `${config.dataDir}/chat`,
      log: (line) => process.stdout.write(`${line}\n`),
    },
    policy: config.policy,
    clock,
    channels: ['terminal'],
    seedDemo: config.seedDemo,
    rateLimits: config.rateLimits,
    // Only problems reach the terminal (stderr), unless LOG_LEVEL asks for more.
    logger: createLogger(env.LOG_LEVEL ? config.logLevel : 'warn'),
    engine: { idleMs: 24 * 60 * 60_000 },
    mail: { ...mailFromConfig(config), onDemoCode: (code) => demoCodes.push(code) },
  });
  const channel = atiende.channel('terminal');

  // Only this customer's: timers and recovery also deliver to others on the same database.
  channel.onMessage((m) => {
    process.stdout.write(`\n\x1b[36matiende:\x1b[0m ${m.text}\n`);
    m.choices.forEach((c, i) => process.stdout.write(`   ${i + 1}. ${c.label}\n`));
    for (const code of demoCodes.splice(0)) {
      process.stdout.write(
        `\n\x1b[35m[DEMO — no SMTP_URL, so no e-mail was sent]\x1b[0m the code for ${code.maskedTo} is ${code.code}\n`,
      );
    }
  }, values.user);
  process.stdout.write(
    `\nYou are customer "${values.user}". Simulated time: ${clock.now().toISOString()}.\n` +
      'Demo accounts: MX-1001, MX-1002, CO-2001, VE-3001, BR-4001. Type /wait 20 to let 20 minutes pass, /quit to leave.\n',
  );

  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: '\n\x1b[33myou:\x1b[0m ',
  });
  let n = 0;
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === '/quit' || text === '/exit') break;
    if (text === '/time') {
      process.stdout.write(`${clock.now().toISOString()}\n`);
    } else if (text.startsWith('/wait')) {
      const minutes = Number(text.split(/\s+/)[1] ?? '1');
      if (!Number.isFinite(minutes) || minutes <= 0)
        process.stdout.write('usage: /wait <minutes>\n');
      else {
        clock.advanceMinutes(minutes);
        await atiende.runtime.scheduler.tick();
        process.stdout.write(`(${minutes} minutes later: ${clock.now().toISOString()})\n`);
      }
    } else {
      await channel
        .receive({
          channel: 'terminal',
          channelUserId: values.user!,
          messageId: `${process.pid}-${Date.now()}-${++n}`,
          text: line,
          localeHint: values.lang ?? null,
          receivedAt: clock.now(),
        })
        .catch((error: unknown) => {
          // Over the rate limit, the customer was told by a reply; other refusals are shown.
          if (!(error instanceof RateLimited)) throw error;
        });
    }
    rl.prompt();
  }
  rl.close();
  await atiende.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `atiende: ${redactText(error instanceof Error ? error.message : String(error))}\n${USAGE}\n`,
  );
  process.exit(1);
});
