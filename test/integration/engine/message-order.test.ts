/**
 * Messages of one conversation applied in the network's order (issue 12): a message that
 * arrives before its predecessor — on this process or another — waits for it a bounded time,
 * then goes on and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/bot/engine/messages.ts';
import type { Runtime } from '../../../src/bot/runtime.ts';
import { ValidationError } from '../../../src/domain/errors.ts';
import { startSecondProcess, type SecondProcess } from '../../support/second-process.ts';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';

describe('messages applied in the order the network numbered them', () => {
  let bot: TestBot;
  let second: Runtime;
  let process2: SecondProcess;
  const warnings: Record<string, unknown>[] = [];

  beforeAll(async () => {
    bot = await startTestBot();
    process2 = await startSecondProcess(bot, {
      orderWaitMs: 1_500,
      log: { warn: (fields) => warnings.push(fields) },
    });
    second = process2.runtime;
  });
  afterAll(async () => {
    await process2.stop();
  });

  const message = (user: string, sequence: number, step: string | { choice: string }) => {
    const text = typeof step === 'string' ? step : '';
    const choice = typeof step === 'string' ? undefined : step.choice;
    return { ...bot.channel.inbound(user, `s${sequence}`, text, { choice }), sequence };
  };
  const customerLines = async (user: string) =>
    (await bot.runtime.stores.versions.latest(`terminal:${user}`))!.transcript
      .filter((t) => t.from === 'customer')
      .map((t) => t.text);

  it('the later message, arriving first at another process, waits for its predecessor', async () => {
    const { engine } = bot.runtime;
    await engine.handle(message('ordo', 1, 'Hola, mi cuenta es MX-1001'));
    // 2 ("sí") reaches the first process 150 ms after 3 (the triage choice) reached the second.
    const third = second.engine.handle(message('ordo', 3, 'Quiero reportar una falla técnica'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const secondMessage = engine.handle(message('ordo', 2, 'sí'));
    expect(await Promise.all([secondMessage, third])).toEqual(['answered', 'answered']);
    expect(await customerLines('ordo')).toEqual([
      'Hola, mi cuenta es MX-1001',
      'sí',
      'Quiero reportar una falla técnica',
    ]);
    expect(keys(bot.channel.to('ordo'))).toContain('triage.ask');
    expect((await second.engine.state('terminal:ordo'))?.lastSequence).toBe(3);
    // Stored with the version: a process that reloads the conversation knows it too.
    expect((await bot.runtime.stores.versions.latest('terminal:ordo'))?.lastSequence).toBe(3);
    expect(second.engine.stats.outOfOrder).toBe(0);
  });

  it('in one process too: two messages at once, the later first, are applied in order', async () => {
    const { engine } = bot.runtime;
    await engine.handle(message('duo', 1, 'Hola, mi cuenta es MX-1001'));
    const outcomes = await Promise.all([
      engine.handle(message('duo', 3, 'Quiero reportar una falla técnica')),
      engine.handle(message('duo', 2, 'sí')),
    ]);
    expect(outcomes).toEqual(['answered', 'answered']);
    expect((await customerLines('duo')).slice(1)).toEqual([
      'sí',
      'Quiero reportar una falla técnica',
    ]);
  });

  it('a predecessor that never comes: the message goes on after the wait, and the log says so', async () => {
    await second.engine.handle({ ...message('gap', 1, 'Hola'), channel: 'terminal' });
    const started = Date.now();
    expect(await second.engine.handle(message('gap', 3, 'MX-1001'))).toBe('answered');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(second.engine.stats.outOfOrder).toBe(1);
    expect(warnings).toEqual([
      expect.objectContaining({ conversationId: 'terminal:gap', sequence: 3, lastSequence: 1 }),
    ]);
    // The late one is applied when it comes; the highest number applied stays.
    expect(await second.engine.handle(message('gap', 2, 'sí'))).toBe('answered');
    expect((await second.engine.state('terminal:gap'))?.lastSequence).toBe(3);
  });

  it('refuses a sequence that is not a whole number from 1 up', async () => {
    for (const sequence of [0, -1, 1.5, Number.NaN]) {
      const bad: InboundMessage = { ...message('bad', 1, 'Hola'), sequence };
      await expect(bot.runtime.engine.handle(bad)).rejects.toBeInstanceOf(ValidationError);
    }
  });
});
