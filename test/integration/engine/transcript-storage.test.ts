/**
 * A version's document stores only the transcript lines its turn added (plus a whole copy at
 * a new session and every TRANSCRIPT_CHECKPOINT_EVERY versions): a process that reloads the
 * conversation from the database gets the same whole transcript it had in memory (R001-7: the
 * transcript goes into the ticket).
 */
import { describe, expect, it } from 'vitest';
import { conversationIdOf } from '../../../src/bot/engine/messages.ts';
import { TRANSCRIPT_CHECKPOINT_EVERY } from '../../../src/bot/engine/state.ts';
import { decodeState } from '../../../src/bot/engine/state-codec.ts';
import { benchCustomer, technicalScript } from '../../../bench/conversation.ts';
import { startTestBot } from '../../support/runtime.ts';

describe('stored transcripts', () => {
  it('R001-7: a conversation reloaded from the database has its whole transcript, across checkpoints', async () => {
    const bot = await startTestBot();
    const customer = benchCustomer('TS', 1);
    await bot.runtime.domain.customers.save(customer);
    const script = technicalScript(customer.accountNumber, customer.equipment[0]!.serial);
    expect(script.length).toBeGreaterThan(TRANSCRIPT_CHECKPOINT_EVERY);
    for (const step of script) {
      await bot.say('transcribed', step.message);
    }
    const id = conversationIdOf('terminal', 'transcribed');
    const inMemory = await bot.runtime.engine.state(id);
    expect(inMemory?.version).toBe(script.length);
    expect(inMemory!.transcript.length).toBeGreaterThan(2 * script.length);

    // The documents hold a turn's lines each, except at the checkpoints.
    const stored = await bot.runtime.stores.versions.states
      .find({ conversationId: id })
      .toArray()
      .then((docs) => docs.map(decodeState).sort((a, b) => a.version - b.version));
    expect(stored.map((s) => s.transcriptKept === 0)).toEqual(
      stored.map((s) => s.version === 1 || s.version === 1 + TRANSCRIPT_CHECKPOINT_EVERY),
    );
    const lines = stored.reduce((sum, s) => sum + s.transcript.length, 0);
    expect(lines).toBeLessThan(inMemory!.transcript.length * 2);

    // Another process (or this one after eviction) reads it back whole.
    expect(bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER)).toBeGreaterThan(0);
    const reloaded = await bot.runtime.engine.state(id);
    expect(reloaded?.transcript).toEqual(inMemory!.transcript);
    expect(reloaded?.version).toBe(inMemory!.version);
  });
});
