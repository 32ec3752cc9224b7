/**
 * Issue 12: through the engine, a phone number the network verified (`InboundMessage.phone`, as
 * WhatsApp will give it) that is a person of the account proves the account — while the same
 * number typed by the customer only identifies it.
 */
import { describe, expect, it } from 'vitest';
import { keys, startTestBot } from '../../support/runtime.ts';

describe('a phone the network verified proves the account (issue 12)', () => {
  it('shows the follow-up with no code to a verified phone of the account, and asks a code when it was only typed', async () => {
    const bot = await startTestBot({ mail: { demoCodes: true } });
    const verified = async (id: string, text: string) => {
      const before = bot.channel.delivered.length;
      // Laura Méndez, primary contact of MX-1001, is registered as +52 55 5555 0101.
      await bot.channel.receive(
        bot.channel.inbound('wa-laura', id, text, { phone: '+5215555550101' }),
      );
      return bot.channel.delivered.slice(before);
    };
    await verified('1', 'Hola, mi cuenta es MX-1001');
    const followUp = await verified('2', 'seguimiento');
    expect(keys(followUp)[0]).toMatch(/^followUp\./);
    expect(await bot.runtime.domain.accountCodes.codes.countDocuments()).toBe(0);

    await bot.say('typist', 'Hola, mi teléfono es 55 5555 0101');
    expect(keys(await bot.say('typist', 'seguimiento'))).toEqual([
      'proof.codeSent',
      'proof.askCode',
    ]);
  });
});
