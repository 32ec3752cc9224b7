/**
 * Issue 14, Telegram: the real Telegraf client, long polling a Bot API emulator, in front of the
 * assembled atiende on the test database with the demo data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRepository } from '../../src/domain/cases/case-repository.ts';
import { startTelegramApp, type TelegramApp } from '../support/telegram-bot-api/app.ts';
import { TelegramCustomer } from '../support/telegram-bot-api/customer.ts';

/** A JPEG's first bytes and some more: what the customer photographed. */
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);

let t: TelegramApp;
let chatIds = 7_000;
const customer = (languageCode = 'es') =>
  new TelegramCustomer(t.api, { id: ++chatIds, firstName: 'Laura', languageCode });

beforeAll(async () => {
  t = await startTelegramApp();
});
afterAll(() => t?.stop());

describe('Telegram: long polling through the real Telegraf client', () => {
  it('R001-3: a whole technical conversation with buttons and a photo ends in a case that keeps the photo in the database', async () => {
    const laura = customer();
    const first = await laura.says('Hola, mi cuenta es MX-1001');
    expect(first.at(-1)?.text).toContain('Comercializadora del Valle');
    await laura.presses('Sí');
    await laura.presses('Falla técnica');
    await laura.presses('Servidores');
    await laura.presses('Servidor Dell');
    await laura.presses('Sí'); // still at the registered address
    await laura.presses('Sí'); // outside causes ruled out
    await laura.presses('Sí'); // power
    await laura.presses('Sí'); // on
    await laura.presses('Listo'); // restarted
    await laura.presses('No'); // still failing
    await laura.presses('Alta'); // severity
    const urgency = structuredClone(laura.button('Alta').message);
    await laura.presses('Alta'); // urgency
    // A second tap on the answered question's button (the next question, the subject, has no
    // buttons of its own) answers nothing: a question is answered once.
    const taps = t.api.callsOf('answerCallbackQuery').length;
    await t.api.userPresses(laura.who, urgency, urgency.reply_markup!.inline_keyboard[0]![0]!.text);
    await waitUntil(() => t.api.callsOf('answerCallbackQuery').length > taps);
    expect(t.api.callsOf('answerCallbackQuery').at(-1)?.params.text).toMatch(/ya fue respondida/);
    await laura.says('El servidor no arranca y muestra error de disco');
    await laura.says('Desde el lunes se reinicia solo y muestra disk failure en la consola');
    const steps = laura.button('Omitir').message;
    await laura.presses('Omitir');
    // The answered question's keyboard is taken off.
    expect(
      t.api.messagesTo(laura.who.id).find((m) => m.message_id === steps.message_id),
    ).toMatchObject({ reply_markup: null });
    const received = await laura.sendsPhoto(PHOTO);
    expect(received.at(-1)?.text).toMatch(/Recibí tus archivos/);
    const opened = await laura.presses('Listo');
    const caseNumber = /AT-\d{4}-\d{6}/.exec(opened.map((m) => m.text).join('\n'))?.[0];
    expect(caseNumber).toBeDefined();

    const cases = new CaseRepository(t.app.connection);
    const stored = await cases.find(caseNumber!);
    expect(stored?.attachments).toHaveLength(1);
    const file = await t.app.runtime.domain.attachments.get(stored!.attachments[0]!.url);
    expect(file?.contentType).toBe('image/jpeg');
    expect(Buffer.from(file!.bytes).equals(PHOTO)).toBe(true);
    // "typing…" was shown while turns ran, and every press was answered.
    expect(t.api.callsOf('sendChatAction', laura.who.id).length).toBeGreaterThan(5);
    expect(t.api.callsOf('answerCallbackQuery').length).toBeGreaterThanOrEqual(13);
  });

  it('answers a duplicated update once (messageId is the message id of the chat)', async () => {
    const ana = customer();
    const { update } = await t.api.userSends(ana.who, 'Hola, mi cuenta es MX-1001');
    const answered = await t.api.waitFor(ana.who.id, (m) => m.length >= 2);
    expect(answered).toHaveLength(2);
    await t.api.replay(update);
    await t.api.replay(update);
    await waitUntil(() => t.api.pendingReplays === 0);
    // Taken by the bot, and answered by nothing; the next message is answered as usual (the
    // chat's updates are handled in order: the replays were done before it).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ana.messages).toHaveLength(2);
    const next = await ana.presses('Sí');
    expect(next.at(-1)?.text).toMatch(/¿En qué te puedo ayudar\?/);
    expect(ana.messages).toHaveLength(2 + next.length);
  });

  it('speaks English to a customer whose Telegram is in English (language_code: en)', async () => {
    const john = customer('en');
    const help = await john.says('/help');
    expect(help[0]?.text).toMatch(/I can help you report technical faults/);
    const replies = await john.says('Hello, my account is MX-1001');
    expect(replies.at(-1)?.text).toMatch(/Am I talking to Laura Méndez/);
    const buttons = replies
      .at(-1)
      ?.reply_markup?.inline_keyboard.flat()
      .map((b) => b.text);
    expect(buttons).toEqual(['Yes', 'No']);
    const next = await john.presses('Yes');
    expect(next.map((m) => m.text).join('\n')).toMatch(/How can I help you/);
  });

  it('/start and /help answer in the customer’s language (pt)', async () => {
    const joao = customer('pt-BR');
    expect((await joao.says('/start'))[0]?.text).toMatch(/^Olá! Sou o assistente de suporte/);
    expect((await joao.says('/help'))[0]?.text).toMatch(/^Posso ajudar você/);
  });

  it('an old button pressed after a newer question answers nothing, and neither does a double tap', async () => {
    const rosa = customer();
    await rosa.says('Hola, mi cuenta es MX-1001');
    const isPrimary = structuredClone(rosa.button('Sí').message);
    await rosa.presses('Sí');
    const triage = await rosa.says('no entiendo nada'); // a newer question, asked again
    expect(triage.at(-1)?.reply_markup).not.toBeNull();
    const before = rosa.messages.length;
    const calls = t.api.callsOf('answerCallbackQuery').length;
    // The customer's app still shows the first question's buttons: "No" is pressed there.
    await t.api.userPresses(rosa.who, isPrimary, 'No');
    await t.api.userPresses(rosa.who, isPrimary, 'Sí'); // and "Sí" again: a double tap
    await waitUntil(() => t.api.callsOf('answerCallbackQuery').length >= calls + 2);
    const answers = t.api.callsOf('answerCallbackQuery').slice(calls);
    expect(answers.map((c) => c.params.text)).toEqual([
      expect.stringMatching(/ya fue respondida/),
      expect.stringMatching(/ya fue respondida/),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rosa.messages.length).toBe(before);
    // The question still waiting takes its own buttons.
    const next = await rosa.presses('Factura o saldo');
    expect(next.length).toBeGreaterThan(0);
  });

  it('a file too large or of a refused type gets a clear reply and is not passed on', async () => {
    const pedro = customer();
    const files = t.api.callsOf('getFile').length;
    const big = await turn(pedro, () =>
      t.api.userSendsFile(pedro.who, Buffer.from('x'), {
        kind: 'document',
        declaredSize: 15 * 1024 * 1024,
      }),
    );
    expect(big.map((m) => m.text)).toEqual([expect.stringMatching(/pesa más de 10 MB/)]);
    // Refused on its declared size: nothing was downloaded.
    expect(t.api.callsOf('getFile').length).toBe(files);
    const exe = await turn(pedro, () =>
      t.api.userSendsFile(pedro.who, Buffer.from('MZ'), {
        kind: 'document',
        fileName: 'setup.exe',
        mimeType: 'application/x-msdownload',
      }),
    );
    expect(exe.map((m) => m.text)).toEqual([expect.stringMatching(/ese tipo de archivo/)]);
    // Neither reached the engine: no conversation was started.
    expect(await t.app.runtime.engine.answerTo('telegram:' + pedro.who.id, 'm1')).toEqual([]);
  });
});

async function turn(c: TelegramCustomer, act: () => Promise<unknown>) {
  const before = c.messages.length;
  await act();
  await t.api.waitFor(c.who.id, (m) => m.length > before);
  await new Promise((resolve) => setTimeout(resolve, 250));
  return c.messages.slice(before);
}

async function waitUntil(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
