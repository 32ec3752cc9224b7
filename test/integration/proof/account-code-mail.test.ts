/**
 * Issue 12: the account code reaches the customer by e-mail — through the durable outbox, the
 * sender loop and nodemailer, to a real SMTP server in the test process — in the customer's
 * language, and the code it carries proves the account in the conversation. Retries with
 * back-off deliver once; SMTP_URL's password never appears in an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../../src/bot/mail/smtp-mailer.ts';
import { MailSender } from '../../../src/bot/mail/mail-sender.ts';
import { MailDeliveryFailed } from '../../../src/domain/mail/index.ts';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.ts';

const PASSWORD = 'pa$$-w0rd:Ünïcode';
const FROM = 'Soporte <soporte@atiende.example>';
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';

describe('the account code by e-mail (issue 12)', () => {
  let inbox: SmtpInbox;
  let bot: TestBot;

  beforeAll(async () => {
    inbox = await startSmtpInbox({ auth: { user: 'atiende', password: PASSWORD } });
    bot = await startTestBot({
      mail: {
        mailer: createSmtpMailer({ url: inbox.url('atiende', PASSWORD), from: FROM }),
        sender: { pollMs: 50 },
      },
    });
    bot.runtime.mailSender!.start();
  });
  afterAll(async () => {
    await bot.runtime.mailSender?.stop();
    await inbox.close();
  });

  it('arrives at a real SMTP server with the code, and the code proves the account', async () => {
    await bot.say('laura', 'Hola, mi cuenta es MX-1001');
    await bot.say('laura', { choice: 'yes' });
    const asked = await bot.say('laura', { choice: 'followUp' });
    expect(keys(asked)).toEqual(['proof.codeSent', 'proof.askCode']);
    expect(asked[0]!.text).toContain('l***@delvalle.example');

    const [mail] = await inbox.waitFor(1);
    expect(mail!.to).toMatchObject({ value: [{ address: 'laura.mendez@delvalle.example' }] });
    expect(mail!.from?.value).toEqual([{ address: 'soporte@atiende.example', name: 'Soporte' }]);
    expect(mail!.subject).toBe('Tu código de verificación');
    expect(mail!.messageId).toMatch(/^<[0-9a-f]{32}@atiende\.example>$/);
    const code = codeIn(mail!.text ?? '');
    expect(code).toMatch(/^\d{6}$/);
    expect(mail!.html).toContain(code);
    expect(mail!.text).toContain('Vence en 10 minutos');
    expect(inbox.logins).toEqual([{ username: 'atiende', password: PASSWORD }]);

    expect(keys(await bot.say('laura', code.replace(/(\d{3})/, '$1 ')))[0]).toBe('proof.proven');

    // Sent: the mail, its code with it, is gone from the pending outbox; only a hash is kept.
    const outbox = bot.runtime.domain.mailOutbox;
    expect(await outbox.pending.countDocuments()).toBe(0);
    const stored = JSON.stringify(await bot.runtime.domain.accountCodes.codes.find().toArray());
    expect(stored).not.toContain(code);
  });

  it("in the customer's language: Portuguese for a Portuguese-speaking account", async () => {
    const before = inbox.messages.length;
    await bot.say('marina', 'Olá, minha conta é BR-4001');
    await bot.say('marina', { choice: 'yes' });
    expect(keys(await bot.say('marina', 'cancelar'))).toEqual(['proof.codeSent', 'proof.askCode']);
    const mail = (await inbox.waitFor(before + 1))[before]!;
    expect(mail.to).toMatchObject({ value: [{ address: 'marina@horizonte.example' }] });
    expect(mail.subject).toBe('Seu código de verificação');
    expect(mail.text).toContain('Ele vence em 10 minutos');
    const proven = await bot.say('marina', codeIn(mail.text ?? ''));
    expect(keys(proven)).toEqual(['proof.proven', 'cancellation.askConfirm']);
  });
});

describe('the sender loop against a server that refuses (issue 12)', () => {
  it('retries a refused mail with back-off and delivers it once', async () => {
    const inbox = await startSmtpInbox({ refuseFirst: 2 });
    const bot = await startTestBot({ mail: { demoCodes: true } });
    const errors: unknown[] = [];
    const sender = new MailSender(
      bot.runtime.domain.mailOutbox,
      createSmtpMailer({ url: inbox.url(), from: FROM }),
      bot.clock,
      {
        processId: 'p1',
        pollMs: 20,
        rules: { maxAttempts: 5, backoffMs: (n) => 50 * 2 ** (n - 1), staleClaimMs: 60_000 },
        onError: (e) => errors.push(e),
      },
    );
    // Queued by a conversation (demo codes: no mailer in the runtime), sent by this loop.
    await bot.say('ana', 'MX-1001');
    await bot.say('ana', { choice: 'yes' });
    await bot.say('ana', { choice: 'followUp' });
    sender.start();
    await inbox.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    await sender.stop();
    await inbox.close();
    expect(inbox.messages).toHaveLength(1);
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e instanceof MailDeliveryFailed && e.responseCode === 451)).toBe(
      true,
    );
    const [pending] = await bot.runtime.domain.mailOutbox.due();
    expect(pending).toBeUndefined();
    const ended = await bot.runtime.domain.mailOutbox.outcomes.find().toArray();
    expect(ended).toEqual([expect.objectContaining({ outcome: 'sent', attempts: 3 })]);
  });

  it("never repeats SMTP_URL's password in an error, even when the server refuses the login", async () => {
    const inbox = await startSmtpInbox({ auth: { user: 'atiende', password: 'the-right-one' } });
    const bot = await startTestBot({ mail: { demoCodes: true } });
    const errors: Error[] = [];
    const sender = new MailSender(
      bot.runtime.domain.mailOutbox,
      createSmtpMailer({ url: inbox.url('atiende', PASSWORD), from: FROM }),
      bot.clock,
      { processId: 'p1', onError: (e) => errors.push(e as Error) },
    );
    await bot.say('luis', 'MX-1001');
    await bot.say('luis', { choice: 'yes' });
    await bot.say('luis', { choice: 'followUp' });
    await sender.tick();
    await inbox.close();
    // The password was given to the server, and is in no error nor stored failure.
    expect(inbox.logins.map((l) => l.password)).toContain(PASSWORD);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(MailDeliveryFailed);
    const failures = await bot.runtime.domain.mailOutbox.failures.find().toArray();
    expect(failures).toHaveLength(1);
    for (const text of [
      errors[0]!.message,
      String(errors[0]!.stack),
      JSON.stringify(errors[0]),
      JSON.stringify(failures),
    ]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
    }
    expect(errors[0]!.message).toMatch(/EAUTH/);
  });
});
