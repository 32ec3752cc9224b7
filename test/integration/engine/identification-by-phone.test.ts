import { describe, expect, it } from 'vitest';
import { keys, startTestBot } from '../../support/runtime.ts';

describe('a customer identified by the phone number as people type it', () => {
  it('R004-1, R000-7: the national form of a registered phone finds the account and its person', async () => {
    const bot = await startTestBot();
    // Laura Méndez, primary contact of MX-1001, is registered as +52 55 5555 0101.
    await bot.say('laura', 'Hola');
    const replies = await bot.say('laura', 'mi teléfono es 55 5555 0101');
    // The phone tells who is talking: no question about it, straight to what she needs.
    expect(keys(replies)).toContain('identification.welcome');
    expect(keys(replies)).not.toContain('identification.askIsPrimary');
    expect(keys(replies)).toContain('triage.ask');
    expect(replies.find((m) => m.reply.key === 'identification.welcome')?.text).toContain('Laura');
  });

  it('R004-1: a Colombian number typed as dialled in Colombia finds its account', async () => {
    const bot = await startTestBot();
    // The primary contact of CO-2001 is registered as +57 601 555 0404.
    await bot.say('rafa', 'Hola');
    const replies = await bot.say('rafa', '601 555 0404');
    expect(keys(replies)).toContain('identification.welcome');
    expect(keys(replies)).not.toContain('identification.notFound');
  });
});
