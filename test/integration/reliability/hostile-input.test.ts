import { beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/bot/engine/messages.ts';
import { ValidationError } from '../../../src/domain/errors.ts';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';

const REASK = ['identification.notUnderstood', 'identification.askIdentifier'];

describe('hostile input through the engine', () => {
  let bot: TestBot;
  let raw: () => Promise<unknown>;
  beforeAll(async () => {
    bot = await startTestBot();
    raw = () => bot.runtime.domain.customers.model.findById('MX-1001').lean();
  });

  it('R004-1: huge, empty, emoji, control-character and script texts get a clear re-ask; the conversation goes on and the customer record is untouched', async () => {
    const before = await raw();
    const u = 'hostil';
    expect(keys(await bot.say(u, 'Hola'))).toEqual([
      'welcome.greeting',
      'identification.askIdentifier',
    ]);
    // Two at a time per customer: a third answer in a row not understood hands off to a person.
    const hostile = [
      'x'.repeat(10_000),
      '',
      '😀😀🔥',
      '\u0000\u0001\u0007\u001b[2J\u007f',
      '<script>alert(1)</script>',
      "'; db.customers.drop(); //",
      '{"$gt": ""}',
    ];
    for (const [i, text] of hostile.entries()) {
      const user = i < 2 ? u : `${u}-${i}`;
      if (user !== u) await bot.say(user, 'Hola');
      const replies = await bot.say(user, text);
      expect(keys(replies), JSON.stringify(text.slice(0, 20))).toEqual(REASK);
      for (const m of replies) expect(m.text).not.toContain('<script>');
    }
    expect(keys(await bot.say(`${u}-z`, 'Hola'))).toContain('identification.askIdentifier');
    expect(keys(await bot.say(`${u}-z`, { choice: 'z'.repeat(10_000) }))).toEqual(REASK);

    const state = await bot.runtime.engine.state(`terminal:${u}`);
    // Stored text is capped and stripped of control characters (newlines and tabs excepted).
    for (const line of state!.transcript) {
      expect(line.text.length).toBeLessThanOrEqual(4_000);
      // eslint-disable-next-line no-control-regex
      expect(line.text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/);
    }

    // The conversation continues: identification, an invalid e-mail re-asked, phones with the
    // historic mobile prefixes (+52 1 for Mexico) accepted and normalised.
    expect(keys(await bot.say(u, 'MX-1001'))).toEqual(['identification.askIsPrimary']);
    expect(keys(await bot.say(u, { choice: 'no' }))).toEqual(['contact.askName']);
    // Issue 13: a name with markup is refused and asked again, not stripped into a name.
    expect(keys(await bot.say(u, 'Pedro <b>Sánchez</b>'))).toEqual([
      'contact.invalidName',
      'contact.askName',
    ]);
    expect(keys(await bot.say(u, 'Pedro Sánchez'))).toEqual(['contact.askEmail']);
    for (const bad of ['no-es-un-correo', 'a@b']) {
      expect(keys(await bot.say(u, bad)), bad).toEqual([
        'contact.invalidEmail',
        'contact.askEmail',
      ]);
    }
    for (const [i, bad] of ['<script>@x.example', ''].entries()) {
      const other = `${u}-mail-${i}`;
      await bot.say(other, 'MX-1001');
      await bot.say(other, { choice: 'no' });
      await bot.say(other, 'Pedro Sánchez');
      expect(keys(await bot.say(other, bad)), bad).toEqual([
        'contact.invalidEmail',
        'contact.askEmail',
      ]);
    }
    expect(keys(await bot.say(u, 'pedro@delvalle.example'))).toEqual(['contact.askPhone']);
    expect(keys(await bot.say(u, '123'))).toEqual(['contact.invalidPhone', 'contact.askPhone']);
    expect(keys(await bot.say(u, '+52 1 55 1234 5678'))).toEqual([
      'identification.welcome',
      'triage.ask',
    ]);
    expect(await raw()).toEqual(before);
  });

  it('R004-1: a customer is found by phone with or without the +52 1 mobile prefix', async () => {
    // Santa Rita's contact is stored as "+52 1 33 3333 0202"; Santa Rita is served by its
    // distributor, which the bot says as soon as it finds the customer.
    for (const [u, phone] of [
      ['tel-a', '+52 33 3333 0202'],
      ['tel-b', '+5213333330202'],
      ['tel-c', '0052 1 33 3333 0202'],
    ] as const) {
      const replies = await bot.say(u, phone);
      expect(keys(replies), phone).toContain('identification.servedByDistributor');
    }
    // +54 9 (Argentina's mobile prefix) folds the same way.
    await bot.runtime.domain.customers.save({
      ...(await bot.runtime.domain.customers.findByAccount('MX-1001'))!,
      accountNumber: 'MX-1099',
      contractNumbers: ['CT-MX-2099'],
      primaryContact: { name: 'Lucía', phone: '+54 9 11 2345 6789', email: 'lucia@ar.example' },
    });
    await bot.say('tel-ar', '+54 11 2345 6789');
    expect((await bot.runtime.engine.state('terminal:tel-ar'))?.accountNumber).toBe('MX-1099');
  });

  it('a messageId of 10 kB or an unknown channel is refused with ValidationError: nothing stored, nothing sent, the conversation intact', async () => {
    const u = 'ids';
    await bot.say(u, 'Hola');
    const before = await bot.runtime.engine.state(`terminal:${u}`);
    const sent = bot.channel.delivered.length;
    const cases: Partial<InboundMessage>[] = [
      { messageId: 'm'.repeat(10_000) },
      { messageId: '' },
      { messageId: '   ' },
      { channelUserId: 'u'.repeat(10_000) },
      { channel: 'fax' as never },
      { channel: '__proto__' as never },
      { text: undefined as never },
    ];
    for (const change of cases) {
      const message = { ...bot.channel.inbound(u, 'ok-id', 'Hola'), ...change };
      await expect(
        bot.runtime.engine.handle(message),
        JSON.stringify(change).slice(0, 40),
      ).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(bot.runtime.engine.handle(null as never)).rejects.toBeInstanceOf(ValidationError);
    expect(bot.channel.delivered.length).toBe(sent);
    expect((await bot.runtime.engine.state(`terminal:${u}`))?.version).toBe(before?.version);
    // And it goes on.
    expect(keys(await bot.say(u, 'MX-1001'))).toEqual(['identification.askIsPrimary']);
  });
});
