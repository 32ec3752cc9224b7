/**
 * Issue 16: the case notifications by e-mail, queued by the turn (or action) that decides them,
 * sent through the outbox to a real SMTP server in the test process and read back (mailparser):
 * opened (R002-4), visit booked (R000-3, R000-5, R000-11, R000-13), closed (R002-7, R000-12),
 * the survey (R002-8); in the customer's language, each citing the case number, once per event.
 */
import type { ParsedMail } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaseMailPreparer } from '../../../src/bot/mail/case-mail-preparer.ts';
import { MailSender } from '../../../src/bot/mail/mail-sender.ts';
import type { Runtime } from '../../../src/bot/runtime.ts';
import { createSmtpMailer } from '../../../src/bot/mail/smtp-mailer.ts';
import type { CaseNumber, CaseRequest } from '../../../src/domain/cases/case.ts';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';
import { startSecondProcess } from '../../support/second-process.ts';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.ts';

/** A case request of the demo data's customers. */
function request(overrides: Partial<CaseRequest> = {}): CaseRequest {
  return {
    accountNumber: 'MX-1001',
    country: 'MX',
    timeZone: 'America/Mexico_City',
    requesterName: 'Laura Méndez',
    contractNumber: 'CT-MX-2024-001',
    equipmentSerial: null,
    equipmentLocation: null,
    contact: {
      name: 'Laura Méndez',
      phone: '+52 55 5555 0101',
      email: 'laura.mendez@delvalle.example',
    },
    subject: 'the printer jams',
    description: 'every page jams',
    stepsToReproduce: null,
    type: 'technical-fault',
    category: 'printing',
    area: 'technical',
    severity: 'medium',
    urgency: 'medium',
    priority: 'P3',
    channel: 'terminal',
    conversationId: null,
    attachments: [],
    transcript: [],
    solvedAtFirstLevel: false,
    ...overrides,
  };
}

const kindOf = (m: ParsedMail) => String(m.headers.get('x-atiende-mail'));

/** Another process's sender loop on the test SMTP server, preparing intents as a runtime's. */
function senderOf(runtime: Runtime, processId: string): MailSender {
  const preparer = new CaseMailPreparer(runtime.domain, runtime.translator);
  return new MailSender(
    runtime.domain.mailOutbox,
    createSmtpMailer({ url: inbox.url(), from: 'atiende <a@test.example>' }),
    runtime.domain.clock,
    { processId, prepare: (intent) => preparer.prepare(intent) },
  );
}

let inbox: SmtpInbox;

describe('case mails through the outbox to a real SMTP server (issue 16)', () => {
  let bot: TestBot;

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    bot = await startTestBot({
      mail: { mailer: createSmtpMailer({ url: inbox.url(), from: 'atiende <a@test.example>' }) },
    });
  });

  /** Sends what the outbox holds and returns the mails that arrived since `before`. */
  async function deliver(before: number, expected: number): Promise<ParsedMail[]> {
    await bot.runtime.mailSender!.tick();
    await inbox.waitFor(before + expected);
    await new Promise((r) => setTimeout(r, 200)); // time for a mail too many to arrive
    return inbox.messages.slice(before);
  }

  it('R002-4, R000-3, R000-5, R000-11, R000-13: a case opened and a visit booked in the chat are mailed, with the number, the opening time and the duties', async () => {
    const before = inbox.messages.length;
    const u = 'laura-mail';
    let last: string[] = [];
    for (const m of [
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
      'todavía no',
      { choice: 'high' },
      { choice: 'critical' },
      'El servidor no arranca y muestra error de disco',
      'Desde el lunes el servidor se reinicia solo y muestra disk failure en la consola',
      'Encenderlo y esperar dos minutos',
      { choice: 'done' },
      { choice: 'slot-1' },
      { choice: 'me' },
    ])
      last = keys(await bot.say(u, m));
    expect(last).toContain('visit.folioConfirmed');
    const [opened] = await bot.runtime.domain.cases.openCasesOf('MX-1001');
    const number = opened!.number;

    const mails = await deliver(before, 2);
    expect(mails.map(kindOf).sort()).toEqual(['case-opened', 'visit-confirmed']);
    const openedMail = mails.find((m) => kindOf(m) === 'case-opened')!;
    expect(openedMail.to).toMatchObject({ text: 'laura.mendez@delvalle.example' });
    expect(openedMail.subject).toBe(`Caso ${number} registrado`);
    // R002-4: the date and time of opening, in the customer's zone and language.
    expect(openedMail.text).toContain('martes 10 de marzo a las 10:00');
    expect(openedMail.html).toContain(number);

    const visitMail = mails.find((m) => kindOf(m) === 'visit-confirmed')!;
    const t = (key: string, params: Record<string, string | number> = {}) =>
      bot.runtime.translator.text(key, params, 'es');
    expect(visitMail.subject).toContain(number);
    for (const duty of [
      t('bot:visit.preparationSteps'), // R000-11
      t('bot:visit.dutiesDocuments', { noticeHours: 8 }), // R000-5
      t('bot:visit.manufacturerRequirements'), // R000-13
      t('bot:visit.tolerance', { minutes: 10 }), // R000-10
    ])
      expect(visitMail.text).toContain(duty);
    expect(visitMail.text).toContain('Recibirá al técnico Laura Méndez'); // R000-3
  });

  it('R002-7, R000-12, R002-8: closing mails the attention and resolution times, asks to confirm, and offers the survey — once, however often the close is told', async () => {
    const before = inbox.messages.length;
    const { domain, caseNotices } = bot.runtime;
    const opened = await domain.caseService.open(request({ subject: 'closing test' }));
    if (opened.outcome !== 'opened') throw new Error('not opened');
    const number = opened.case.number;
    bot.clock.advance(95 * 60_000);
    await domain.caseService.close(number, {
      verifiedWith: 'agent@test',
      solvedAtFirstLevel: false,
      firstContactAt: new Date(opened.case.openedAt.getTime() + 25 * 60_000),
    });
    // The agent's action retried, another process told of it: one mail each all the same.
    await Promise.all([
      caseNotices.caseClosed(number, 'Se cambió el tóner'),
      caseNotices.caseClosed(number, 'Se cambió el tóner'),
    ]);
    await caseNotices.caseClosed(number, 'Se cambió el tóner');

    const mails = await deliver(before, 2);
    expect(mails.map(kindOf).sort()).toEqual(['case-closed', 'case-survey']);
    const closed = mails.find((m) => kindOf(m) === 'case-closed')!;
    expect(closed.subject).toBe(`Caso ${number} resuelto`);
    expect(closed.text).toContain('Tiempo de atención: 25 min. Tiempo de resolución: 1 h 35 min.');
    expect(closed.text).toContain('Solución: Se cambió el tóner');
    expect(closed.text).toContain('confírmanos que todo funciona'); // R000-12
    const survey = mails.find((m) => kindOf(m) === 'case-survey')!;
    expect(survey.subject).toContain(number);
    // Without a public address there is no link: the survey is answered in the chat.
    expect(survey.text).toContain('Escríbenos por el chat y califica');
  });

  it('R002-4: mails in the customer language (Portuguese), and escapes what customers and agents wrote in the HTML', async () => {
    const before = inbox.messages.length;
    const { domain, caseNotices } = bot.runtime;
    const opened = await domain.caseService.open(
      request({
        accountNumber: 'BR-4001',
        timeZone: 'America/Sao_Paulo',
        contact: { name: 'Marina', phone: '', email: 'marina@horizonte.example' },
        subject: '<img src=x onerror="alert(1)"> & co',
      }),
    );
    if (opened.outcome !== 'opened') throw new Error('not opened');
    await caseNotices.caseOpened(opened.case);
    const [mail] = await deliver(before, 1);
    expect(mail!.subject).toBe(`Chamado ${opened.case.number} registrado`);
    expect(mail!.text).toContain('<img src=x onerror="alert(1)"> & co');
    expect(mail!.html).not.toContain('<img');
    expect(mail!.html).toContain('&#60;img src=x onerror=&#34;alert(1)&#34;&#62; &#38; co');
  });

  it('a case with no address on record gets no mail, and that is noted once in its timeline and the outbox', async () => {
    const { domain, caseNotices } = bot.runtime;
    const opened = await domain.caseService.open(
      request({
        accountNumber: null,
        contact: { name: 'Prospecto', phone: '+52 55 0000 0000', email: 'typed@anywhere.example' },
        type: 'prospect',
        category: null,
      }),
    );
    if (opened.outcome !== 'opened') throw new Error('not opened');
    const number = opened.case.number as CaseNumber;
    // Issue 17: the turn queues the intent only; the sender finds there is no address.
    expect(await caseNotices.caseOpened(opened.case)).toBe('queued');
    expect(await caseNotices.caseOpened(opened.case)).toBe('already');
    await bot.runtime.mailSender!.tick();
    await bot.runtime.mailSender!.tick();
    const notes = (await domain.cases.timeline(number)).filter((e) => e.data?.mail);
    expect(notes).toHaveLength(1);
    expect(await domain.mailOutbox.outcome(`case:${number}:opened`)).toMatchObject({
      outcome: 'no-address',
    });
    expect(await domain.mailOutbox.pending.countDocuments({ _id: `case:${number}:opened` })).toBe(
      0,
    );
  });

  it('R002-4: two processes told of the same opening at once queue one mail, and their two senders send it once', async () => {
    const before = inbox.messages.length;
    const other = await startSecondProcess(bot);
    try {
      const opened = await bot.runtime.domain.caseService.open(request({ subject: 'two procs' }));
      if (opened.outcome !== 'opened') throw new Error('not opened');
      const results = await Promise.all([
        bot.runtime.caseNotices.caseOpened(opened.case),
        other.runtime.caseNotices.caseOpened(opened.case),
      ]);
      expect(results.sort()).toEqual(['already', 'queued']);
      const sender2 = senderOf(other.runtime, 'P2');
      await Promise.all([bot.runtime.mailSender!.tick(), sender2.tick()]);
      await inbox.waitFor(before + 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(inbox.messages.slice(before).map((m) => m.subject)).toEqual([
        `Caso ${opened.case.number} registrado`,
      ]);
    } finally {
      await other.stop();
    }
  });

  it('R002-4: an intent whose process died before sending it is addressed, rendered and sent once by the others, and queued again after it was sent it sends nothing', async () => {
    const before = inbox.messages.length;
    const doomed = await startSecondProcess(bot);
    const opened = await bot.runtime.domain.caseService.open(
      request({ subject: 'died', equipmentSerial: 'SRV-DIED-1' }),
    );
    if (opened.outcome !== 'opened') throw new Error('not opened');
    // The turn's one write, then the process is gone before any sender of its own ran.
    expect(await doomed.runtime.caseNotices.caseOpened(opened.case)).toBe('queued');
    await doomed.stop();
    const id = `case:${opened.case.number}:opened`;
    expect(await bot.runtime.domain.mailOutbox.pending.findOne({ _id: id })).toMatchObject({
      intent: { about: opened.case.number },
    });

    const other = senderOf(bot.runtime, 'P3');
    const sent = await Promise.all([bot.runtime.mailSender!.tick(), other.tick()]);
    expect(sent[0] + sent[1]).toBe(1);
    await inbox.waitFor(before + 1);
    await new Promise((r) => setTimeout(r, 300));
    const [mail, ...extra] = inbox.messages.slice(before);
    expect(extra).toEqual([]);
    expect(mail!.subject).toBe(`Caso ${opened.case.number} registrado`);
    expect(mail!.to).toMatchObject({ text: 'laura.mendez@delvalle.example' });

    // A turn run again after the send queues the intent anew: the sender drops it unsent.
    await bot.runtime.caseNotices.caseOpened(opened.case);
    expect(await bot.runtime.mailSender!.tick()).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(inbox.messages.length).toBe(before + 1);
    expect(await bot.runtime.domain.mailOutbox.pending.countDocuments({ _id: id })).toBe(0);
    expect(await bot.runtime.domain.mailOutbox.outcome(id)).toMatchObject({ outcome: 'sent' });
  });
});
