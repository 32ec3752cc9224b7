import { describe, expect, it } from 'vitest';
import { customerInputKey } from '../../../src/bot/engine/input-key.ts';
import { legacyStateDocument } from '../../support/legacy-state.ts';
import { keys, startTestBot } from '../../support/runtime.ts';

describe('message ids are unique only within a conversation', () => {
  it('two users sending the same message ids are both answered, and a redelivery is still dropped', async () => {
    const bot = await startTestBot();
    const { engine } = bot.runtime;
    const inbound = (user: string, id: string, text: string) => bot.channel.inbound(user, id, text);

    expect(await engine.handle(inbound('ana', '1', 'Hola, mi cuenta es MX-1001'))).toBe('answered');
    // Telegram's message_id and Bot Framework activity ids repeat across chats.
    expect(await engine.handle(inbound('luis', '1', 'Buenas, cuenta MX-1001'))).toBe('answered');
    expect(keys(bot.channel.to('luis'))).toContain('identification.askIsPrimary');
    expect(await engine.handle(inbound('ana', '1', 'Hola, mi cuenta es MX-1001'))).toBe(
      'duplicate',
    );
    expect(await engine.handle(inbound('luis', '1', 'Buenas, cuenta MX-1001'))).toBe('duplicate');
    // Both conversations go on with the same ids, at once.
    const outcomes = await Promise.all([
      engine.handle(inbound('ana', '2', 'sí')),
      engine.handle(inbound('luis', '2', 'sí')),
      engine.handle(inbound('ana', '2', 'sí')),
      engine.handle(inbound('luis', '2', 'sí')),
    ]);
    expect(outcomes.sort()).toEqual(['answered', 'answered', 'duplicate', 'duplicate']);
    expect(keys(bot.channel.to('ana'))).toContain('triage.ask');
    expect(keys(bot.channel.to('luis'))).toContain('triage.ask');
  });
});

describe('answered-input keys stored before they named the conversation', () => {
  it('a redelivery of a message answered under the old key is still dropped', async () => {
    const before = await startTestBot();
    const { engine, stores } = before.runtime;
    expect(await engine.handle(before.channel.inbound('rosa', 'w1', 'Hola'))).toBe('answered');
    // As stored before 2026-11-28: `in:<channel>:<messageId>`, in that code's layout.
    const state = (await engine.state('terminal:rosa'))!;
    const newKey = customerInputKey('terminal:rosa', 'w1');
    expect(state.recent).toEqual([newKey]);
    const legacy = { ...state, answers: 'in:terminal:w1', recent: ['in:terminal:w1'] };
    await stores.versions.states.replaceOne({ _id: state._id }, legacyStateDocument(legacy));

    // A process that starts after the upgrade, with nothing in memory.
    const after = await startTestBot({ connection: before.connection });
    const redelivered = after.channel.inbound('rosa', 'w1', 'Hola');
    expect(await after.runtime.engine.handle(redelivered)).toBe('duplicate');
    expect(after.channel.to('rosa')).toEqual([]);
    expect(await after.runtime.engine.handle(after.channel.inbound('rosa', 'w2', 'Hola'))).toBe(
      'answered',
    );
  });
});
