/**
 * Issue 13, "say it once", through the engine on the real embedded database: a customer who
 * writes again soon after a finished session is not identified again (the new session starts
 * with what the one before knew), and a proof of the account (issue 12) is kept only within
 * its window; later, or after a session that did not end done, identification starts anew.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';

describe('a session after a finished one (issue 13)', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });

  /** Laura identifies, registers a doubt and says she needs nothing more: the session ends. */
  async function finishedSession(user: string) {
    await bot.say(user, 'Hola, mi cuenta es MX-1001');
    await bot.say(user, 'sí');
    await bot.say(user, { choice: 'doubt' });
    await bot.say(user, '¿Mi plan incluye soporte los sábados?');
    const bye = await bot.say(user, 'no');
    expect(keys(bye)).toContain('common.goodbye');
    expect((await bot.runtime.engine.state(`terminal:${user}`))?.mode).toBe('closed');
  }

  it('writing again ten minutes later starts at the request, not at identification', async () => {
    await finishedSession('laura1');
    bot.clock.advanceMinutes(10);
    const again = await bot.say('laura1', 'falla técnica');
    expect(keys(again)).toEqual(['identification.welcome', 'triage.confirmKept']);
    expect(keys(await bot.say('laura1', 'sí'))).toEqual(['technical.askCategory']);
    const state = await bot.runtime.engine.state('terminal:laura1');
    expect(state?.session).toBe(2);
    expect(state?.mode).toBe('bot');
  });

  it('an hour later the customer is asked who they are again', async () => {
    await finishedSession('laura2');
    bot.clock.advanceMinutes(60);
    const again = await bot.say('laura2', 'falla técnica');
    expect(keys(again)).toEqual(['welcome.greeting', 'identification.askIdentifier']);
  });
});
