/**
 * Issue 13 through the engine on the real embedded database: the person queue is no dead end.
 * The customer can go back to the bot (the conversation leaves the agents' queue), the
 * 20-minute limit turns the wait into a ticket (R001-7), and out of hours the queue says when
 * someone will answer (R003-2).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';

describe('the person queue is no dead end (issue 13)', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });

  async function queued(user: string) {
    await bot.say(user, 'Hola, mi cuenta es MX-1001');
    await bot.say(user, 'sí');
    expect(keys(await bot.say(user, 'quiero hablar con una persona'))).toContain('handoff.queued');
    expect((await bot.runtime.engine.state(`terminal:${user}`))?.mode).toBe('queued');
  }

  it('"menú" takes the customer out of the queue and back to the bot', async () => {
    await queued('q1');
    expect(keys(await bot.say('q1', '¿siguen ahí?'))).toEqual(['handoff.stillQueued']);
    expect(keys(await bot.say('q1', 'menú'))).toEqual(['handoff.left', 'triage.ask']);
    const state = await bot.runtime.engine.state('terminal:q1');
    expect(state?.mode).toBe('bot');
    expect(state?.handoff).toBeNull();
    expect(keys(await bot.say('q1', { choice: 'doubt' }))).toEqual(['request.askDescription']);
  });

  it('R001-7: the 20-minute limit turns the wait into a ticket with a case number', async () => {
    await queued('q2');
    bot.clock.advanceMinutes(20);
    const before = bot.channel.to('q2').length;
    expect(await bot.runtime.scheduler.tick()).toBeGreaterThanOrEqual(1);
    expect(keys(bot.channel.to('q2').slice(before))).toEqual([
      'chatLimit.reached',
      'chatLimit.ticketOpened',
    ]);
    expect((await bot.runtime.engine.state('terminal:q2'))?.mode).toBe('closed');
    const cases = await bot.runtime.domain.cases.openCasesOf('MX-1001');
    expect(cases.some((c) => c.conversationId === 'terminal:q2')).toBe(true);
  });

  it('R003-2: on a Saturday night the queue names Saturday and the next business day, past a holiday Monday', async () => {
    bot.clock.set('2026-03-15T03:00:00Z'); // Saturday 14 March, 21:00 in Mexico City
    await bot.say('q3', 'Hola, mi cuenta es MX-1001');
    await bot.say('q3', 'sí');
    const replies = await bot.say('q3', 'agente');
    const told = replies.find((r) => r.reply.key === 'handoff.queuedClosed');
    expect(told?.text).toContain('Hoy es sábado');
    // Monday 16 March 2026 is a holiday in Mexico (Benito Juárez's birthday): Tuesday it is.
    expect(told?.text).toContain('el martes a las 7:00');
  });
});
