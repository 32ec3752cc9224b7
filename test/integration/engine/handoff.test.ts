import { beforeAll, describe, expect, it } from 'vitest';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';

describe('hand-off is a mode, not a fork (decision 5)', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });

  it('queues the conversation, pauses the flow while an agent holds it, and resumes on release', async () => {
    await bot.say('pepe', 'Hola, mi cuenta es MX-1001');
    await bot.say('pepe', 'sí');
    const queued = await bot.say('pepe', { choice: 'person' });
    expect(keys(queued)).toContain('handoff.queued');
    expect((await bot.runtime.engine.state('terminal:pepe'))?.mode).toBe('queued');

    const waiting = await bot.say('pepe', '¿sigue ahí?');
    expect(keys(waiting)).toEqual(['handoff.stillQueued']);

    const engine = bot.runtime.engine;
    expect(await engine.agentAction('terminal:pepe', 'takeover', 'Marta', 'a1')).toBe('answered');
    expect(await engine.agentAction('terminal:pepe', 'takeover', 'Marta', 'a1')).toBe('duplicate');
    expect((await engine.state('terminal:pepe'))?.mode).toBe('agent');

    // While an agent holds it, the customer's words go to the agent, not to the flow.
    const toAgent = await bot.say('pepe', 'mi impresora no imprime');
    expect(toAgent).toEqual([]);
    await engine.agentAction('terminal:pepe', 'message', 'Marta', 'a2', 'Ya reviso tu impresora');
    const fromAgent = bot.channel.to('pepe').at(-1)!;
    expect(fromAgent.reply.key).toBe('handoff.agentMessage');
    expect(fromAgent.text).toContain('Ya reviso tu impresora');

    await engine.agentAction('terminal:pepe', 'release', 'Marta', 'a3');
    const state = await engine.state('terminal:pepe');
    expect(state?.mode).toBe('bot');
    const afterRelease = keys(bot.channel.to('pepe').slice(-3));
    expect(afterRelease).toContain('handoff.agentLeft');
    expect(afterRelease).toContain('triage.ask');
    expect(state!.transcript.map((t) => t.from)).toContain('agent');
  });

  it('refuses agent actions on a conversation nobody queued', async () => {
    await bot.say('nadie', 'Hola');
    expect(
      await bot.runtime.engine.agentAction('terminal:nadie', 'message', 'Marta', 'b1', 'hola'),
    ).toBe('ignored');
    expect((await bot.runtime.engine.state('terminal:nadie'))?.mode).toBe('bot');
  });
});
