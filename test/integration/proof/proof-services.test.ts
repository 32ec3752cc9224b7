/**
 * Issue 12: the account-proof services on the domain. A turn that runs twice (a version
 * conflict between processes) issues one code and queues one mail: the services key the effect
 * on the running turn's input; the code goes to the record's address, never to one typed.
 */
import { describe, expect, it } from 'vitest';
import { createAccountProofServices } from '../../../src/bot/flow-services.ts';
import { startTestBot } from '../../support/runtime.ts';

describe('the account-proof services (issue 12)', () => {
  it('the same turn run twice issues one code and queues one mail, to the address on record', async () => {
    const bot = await startTestBot();
    const services = createAccountProofServices(bot.runtime.domain, bot.clock, {
      delivery: 'mail',
      translator: bot.runtime.translator,
      effectKeyOf: () => 'customer:terminal:ana:m7',
    });
    const ask = () =>
      services.sendAccountCode({
        conversationId: 'terminal:ana',
        accountNumber: 'MX-1001',
        person: { email: 'ana@gmail.example', phone: '' },
        language: 'en',
      });
    const [first, again] = await Promise.all([ask(), ask()]);
    expect(first).toMatchObject({ outcome: 'sent', maskedTo: 'l***@delvalle.example' });
    expect(again).toEqual(first);
    expect(await ask()).toEqual(first);
    const pending = await bot.runtime.domain.mailOutbox.due();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      to: 'laura.mendez@delvalle.example',
      language: 'en',
      subject: 'Your verification code',
    });
  });

  it('without a mail server in production ("off") no code is made', async () => {
    const bot = await startTestBot();
    const services = createAccountProofServices(bot.runtime.domain, bot.clock, {
      delivery: 'off',
      translator: bot.runtime.translator,
    });
    expect(
      await services.sendAccountCode({
        conversationId: 'terminal:ana',
        accountNumber: 'MX-1001',
        person: { email: '', phone: '' },
        language: 'es',
      }),
    ).toEqual({ outcome: 'unavailable' });
    expect(await bot.runtime.domain.accountCodes.codes.countDocuments()).toBe(0);
  });
});
