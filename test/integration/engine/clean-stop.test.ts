/**
 * Issue 17: a stop flushes the outbox journal before the database closes. A reply delivered
 * just before a stop has its "settled" entry still lingering (50 ms, to gather turns); written
 * after the client closed, it failed, and the version stayed pending: the next start resent
 * the reply.
 */
import { describe, expect, it } from 'vitest';
import { EngineStores } from '../../../src/bot/engine/store/index.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { openTestConnection } from '../../support/database.ts';
import { startTestBot } from '../../support/runtime.ts';

describe('a clean stop flushes the outbox journal (issue 17)', () => {
  it('flush writes the lingering settled entries at once', async () => {
    const connection = await openTestConnection();
    const clock = new ManualClock('2026-03-10T16:00:00Z');
    const stores = new EngineStores(connection.db!, 'p1', () => clock.now());
    await stores.journal.pending('terminal:ana:1');
    void stores.journal.settle('terminal:ana:1');
    await stores.journal.flush();
    expect(await stores.journal.pendingRecords()).toEqual([]);
  });

  it('a runtime stopped right after a turn leaves nothing pending for the next start to resend', async () => {
    const bot = await startTestBot();
    const replies = await bot.say('ana', 'Hola, mi cuenta es MX-1001');
    expect(replies.length).toBeGreaterThan(0);
    await bot.runtime.stop();
    expect(await bot.runtime.stores.journal.pendingRecords()).toEqual([]);
  });
});
