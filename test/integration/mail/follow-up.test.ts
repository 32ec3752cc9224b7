/**
 * Issue 16 after the chat, on the engine's durable timers and a fake clock across a weekend:
 * the visit reminder (the business day before, by chat and e-mail) and a case closing by itself
 * when the customer never answers "is the case finished?" (R000-12), told by chat and e-mail.
 */
import type { ParsedMail } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../../src/bot/mail/smtp-mailer.ts';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { calendarFor, DEFAULT_POLICY, visitReminderAt } from '../../../src/domain/policy/index.ts';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.ts';

const kindOf = (m: ParsedMail) => String(m.headers.get('x-atiende-mail'));

/** The replies of a key delivered to `user` (deliveries may finish after the turn: waits). */
async function deliveredOf(bot: TestBot, user: string, key: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = bot.channel.delivered.filter(
      (m) => m.channelUserId === user && m.reply.key === key,
    );
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Up to the restart, in the technical flow (R004-3). */
const UNTIL_RESTART = [
  'Hola, mi cuenta es MX-1001',
  'sí',
  { choice: 'technical' },
  { choice: 'servers' },
  { choice: 'SRV-MX-0001' },
  'claro',
  'si',
  'sí',
  'si',
  { choice: 'done' },
];

describe('after the chat: visit reminder and closing without an answer (issue 16)', () => {
  let inbox: SmtpInbox;
  beforeAll(async () => {
    inbox = await startSmtpInbox();
  });

  async function botAt(start: string): Promise<TestBot> {
    return startTestBot({
      start,
      mail: { mailer: createSmtpMailer({ url: inbox.url(), from: 'atiende <a@test.example>' }) },
    });
  }

  async function mailsAfter(bot: TestBot, before: number, expected: number) {
    await bot.runtime.mailSender!.tick();
    await inbox.waitFor(before + expected);
    await new Promise((r) => setTimeout(r, 200));
    return inbox.messages.slice(before);
  }

  it('R000-3, R000-11: a visit booked on Friday is reminded on the business day before it, after the weekend, by chat and by e-mail, once', async () => {
    const bot = await botAt('2026-03-06T19:00:00Z'); // Friday 13:00 in Mexico City
    const u = 'reminded';
    for (const m of [
      ...UNTIL_RESTART,
      'todavía no',
      { choice: 'high' },
      { choice: 'critical' },
      'El servidor no arranca y muestra error de disco',
      'Desde el lunes el servidor se reinicia solo y muestra disk failure en la consola',
      'Encenderlo y esperar dos minutos',
      { choice: 'done' },
    ])
      await bot.say(u, m);
    // The last slot offered: far enough for a reminder the business day before.
    const offered = bot.channel.delivered.filter((m) => m.channelUserId === u).at(-1)!;
    const last = offered.reply.choices!.filter((c) => c.id.startsWith('slot-')).at(-1)!;
    await bot.say(u, { choice: last.id });
    expect(keys(await bot.say(u, { choice: 'me' }))).toContain('visit.folioConfirmed');
    const [opened] = await bot.runtime.domain.cases.openCasesOf('MX-1001');
    const [folio] = await bot.runtime.domain.folios.ofCase(opened!.number);
    const calendar = calendarFor(DEFAULT_POLICY, 'MX', 'America/Mexico_City');
    const due = visitReminderAt(calendar, folio!.slot.start)!;
    expect(due.getTime()).toBeGreaterThan(bot.clock.now().getTime());
    // The opening's and the visit's mails go first.
    const booked = await mailsAfter(bot, inbox.messages.length, 2);
    expect(booked.map(kindOf).sort()).toEqual(['case-opened', 'visit-confirmed']);
    const before = inbox.messages.length;

    // Over the weekend and up to a minute before: nothing.
    bot.clock.set(new Date(due.getTime() - 60_000));
    await bot.runtime.scheduler.tick();
    expect(bot.channel.delivered.filter((m) => m.reply.key === 'visit.reminder')).toEqual([]);

    bot.clock.set(due);
    expect(await bot.runtime.scheduler.tick()).toBe(1);
    await bot.runtime.scheduler.tick();
    const told = await deliveredOf(bot, u, 'visit.reminder');
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain(folio!.number);
    expect(told[0]!.text).toContain(opened!.number);

    const mails = await mailsAfter(bot, before, 1);
    expect(mails.map(kindOf)).toEqual(['visit-reminder']);
    expect(mails[0]!.subject).toContain(opened!.number);
    expect(mails[0]!.text).toContain(
      bot.runtime.translator.text('bot:visit.preparationSteps', {}, 'es'),
    );
    // At opening, 07:00 local.
    expect(due.toISOString().slice(11, 16)).toBe('13:00');
  });

  it('R000-12: a case waiting for "finished?" closes by itself after two business days without an answer, across the weekend, noted and told by chat and e-mail', async () => {
    const bot = await botAt('2026-03-06T22:00:00Z'); // Friday 16:00 in Mexico City
    const u = 'silent';
    for (const m of UNTIL_RESTART) await bot.say(u, m);
    const asked = keys(await bot.say(u, 'ya funciona'));
    expect(asked).toContain('technical.askCaseFinished');
    const [opened] = await bot.runtime.domain.cases.openCasesOf('MX-1001');
    const number = opened!.number;
    const before = inbox.messages.length;

    // 16 business hours: Friday 16-17, Monday 7-12 and 14-17, Tuesday 7-12 and 14-16.
    bot.clock.set('2026-03-10T21:59:00Z'); // Tuesday 15:59
    await bot.runtime.scheduler.tick();
    expect((await bot.runtime.domain.cases.find(number))!.status).not.toBe('closed');
    // (The 20-minute chat limit ended the session meanwhile: R001-7.)

    bot.clock.set('2026-03-10T22:00:00Z'); // Tuesday 16:00
    // Under a loaded machine one round may not reach it (seen once in a full run): a few rounds.
    for (let round = 0; round < 5; round++) {
      await bot.runtime.scheduler.tick();
      if ((await bot.runtime.domain.cases.find(number))!.status === 'closed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await bot.runtime.domain.cases.find(number))!.status).toBe('closed');
    const timeline = await bot.runtime.domain.cases.timeline(number);
    expect(timeline.filter((e) => e.data?.closedWithoutAnswer === true)).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === 'closed')).toHaveLength(1);

    expect(await deliveredOf(bot, u, 'technical.closedWithoutAnswer')).toHaveLength(1);
    const mails = await mailsAfter(bot, before, 3);
    expect(mails.map(kindOf).sort()).toEqual(['case-auto-closed', 'case-opened', 'case-survey']);
    expect(mails.find((m) => kindOf(m) === 'case-auto-closed')!.subject).toContain(number);
  });

  it('R000-12: a customer who answered "finished" is not closed again by the timer', async () => {
    const bot = await botAt('2026-03-06T22:00:00Z');
    const u = 'answered';
    for (const m of UNTIL_RESTART) await bot.say(u, m);
    await bot.say(u, 'ya funciona');
    await bot.say(u, 'sí');
    bot.clock.set('2026-03-11T22:00:00Z');
    await bot.runtime.scheduler.tick();
    const told = bot.channel.delivered.filter((m) => m.channelUserId === u);
    expect(keys(told)).toContain('technical.solvedAtFirstLevel');
    expect(keys(told)).not.toContain('technical.closedWithoutAnswer');
    const number = told.find((m) => m.reply.key === 'technical.solvedAtFirstLevel')!.reply.params!
      .caseNumber as CaseNumber;
    const timeline = await bot.runtime.domain.cases.timeline(number);
    expect(timeline.filter((e) => e.kind === 'closed')).toHaveLength(1);
    expect(timeline.some((e) => e.data?.closedWithoutAnswer === true)).toBe(false);
  });
});
