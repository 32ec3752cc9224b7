/**
 * Issue 17: a compaction killed between inserting a conversation's standing version and
 * deleting the versions below it leaves them behind; the next run finishes them — whatever the
 * conversation's age, since finishing needs no idle time — and the conversation reads and goes
 * on as before. The kill is a fault injected into the run's writes: what it leaves stored is
 * what a process killed at that point leaves.
 */
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { benchCustomer, technicalScript } from '../../../bench/conversation.ts';
import { conversationIdOf } from '../../../src/bot/engine/messages.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import { compactConversations } from '../../../src/bot/retention/index.ts';
import { startTestBot } from '../../support/runtime.ts';
import { send, storedIds } from '../../support/script-steps.ts';

const kept = (s: ConversationState) => ({
  mode: s.mode,
  session: s.session,
  snapshot: s.snapshot,
  flowInput: s.flowInput,
  transcript: s.transcript,
  accountNumber: s.accountNumber,
});

/** Makes the run's deletes (its `bulkWrite` of `deleteOne`s) do the first `done`, then fail. */
function killDeletesAfter(states: Collection<never>, done: number): void {
  const real = states.bulkWrite.bind(states);
  states.bulkWrite = (async (
    operations: AnyBulkWriteOperation<never>[],
    options?: Parameters<typeof real>[1],
  ) => {
    if (!operations.every((o) => 'deleteOne' in o)) return real(operations, options);
    states.bulkWrite = real;
    if (done > 0) await real(operations.slice(0, done), { ordered: true });
    throw new Error('killed mid-delete');
  }) as typeof states.bulkWrite;
}

const TURNS = 10;
const DAY_MS = 86_400_000;

describe('compaction killed mid-way (issue 17)', () => {
  for (const [name, done] of [
    ['before any delete', 0],
    ['in the middle of the deletes', 14],
  ] as const)
    it(`R001-7: killed ${name}, the next run leaves nothing older, and the conversations read and go on right`, async () => {
      const bot = await startTestBot();
      const users = ['first', 'second'];
      const customers = users.map((_, i) => benchCustomer('CR', i));
      for (const c of customers) await bot.runtime.domain.customers.save(c);
      const scripts = customers.map((c) =>
        technicalScript(c.accountNumber, c.equipment[0]!.serial),
      );
      for (const [i, user] of users.entries())
        for (let n = 0; n < TURNS; n++) await send(bot, user, `m${n}`, scripts[i]![n]!);
      const ids = users.map((u) => conversationIdOf('terminal', u));
      const before = await Promise.all(ids.map((id) => bot.runtime.engine.state(id)));
      const versions = bot.runtime.stores.versions;

      killDeletesAfter(versions.states as unknown as Collection<never>, done);
      await expect(
        compactConversations(versions, { now: bot.clock.now(), idleMs: 0 }),
      ).rejects.toThrow('killed mid-delete');
      // What the kill left: a standing version above each, and versions below it.
      const left = await Promise.all(ids.map((id) => storedIds(bot, id)));
      expect(left.map((stored) => stored.at(-1))).toEqual([TURNS + 1, TURNS + 1]);
      expect(left.flat().length).toBe(2 * (TURNS + 1) - done);

      // The next run, with a conversation written to meanwhile and an idle time nothing meets.
      await send(bot, users[1]!, `m${TURNS}`, scripts[1]![TURNS]!);
      const report = await compactConversations(versions, {
        now: bot.clock.now(),
        idleMs: 365 * DAY_MS,
      });
      expect(report.compacted).toBe(0);
      expect(report.finished).toBe(2);
      expect(await storedIds(bot, ids[0]!)).toEqual([TURNS + 1]);
      expect(await storedIds(bot, ids[1]!)).toEqual([TURNS + 1, TURNS + 2]);

      // Read back from the database: the state each had, and the next message answered once.
      bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER);
      const first = (await versions.latest(ids[0]!))!;
      expect(first.version).toBe(TURNS + 1);
      expect(kept(first)).toEqual(kept(before[0]!));
      const second = (await versions.latest(ids[1]!))!;
      expect(second.transcript.slice(0, before[1]!.transcript.length)).toEqual(
        before[1]!.transcript,
      );
      expect((await send(bot, users[0]!, `m${TURNS - 1}`, scripts[0]![TURNS - 1]!)).outcome).toBe(
        'duplicate',
      );
      const said: string[] = [];
      for (let n = TURNS; n < scripts[0]!.length; n++)
        said.push(...(await send(bot, users[0]!, `m${n}`, scripts[0]![n]!)).keys);
      expect(said).toContain('visit.folioConfirmed');

      // And a run after that has nothing left to finish.
      const again = await compactConversations(versions, {
        now: bot.clock.now(),
        idleMs: 365 * DAY_MS,
      });
      expect(again.finished).toBe(0);
      expect(again.versionsDeleted).toBe(0);
    });
});
