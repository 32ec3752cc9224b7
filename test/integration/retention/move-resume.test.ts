/**
 * Issue 17: a move to a newer generation killed part-way — after its stub claimed the next
 * version in the old collection and before the standing version was written in the new one,
 * or before the floor was linked to it — leaves no conversation stuck behind a stub that points
 * nowhere: the next run, or the conversation's next turn (a reader meeting the stub), finishes
 * it. The kill is a fault injected into the run's writes: what it leaves stored is what a
 * process killed at that point leaves.
 */
import { describe, expect, it } from 'vitest';
import { benchCustomer, technicalScript } from '../../../bench/conversation.ts';
import { conversationIdOf } from '../../../src/bot/engine/messages.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import { isStub } from '../../../src/bot/engine/store/generations.ts';
import type { VersionStore } from '../../../src/bot/engine/store/version-store.ts';
import { compactConversations } from '../../../src/bot/retention/index.ts';
import { startTestBot } from '../../support/runtime.ts';
import { send, storedByGeneration } from '../../support/script-steps.ts';

const kept = (s: ConversationState) => ({
  mode: s.mode,
  session: s.session,
  snapshot: s.snapshot,
  flowInput: s.flowInput,
  transcript: s.transcript,
  accountNumber: s.accountNumber,
});

const TURNS = 10;
const DAY_MS = 86_400_000;
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => from + k);

/**
 * Kills each conversation's first standing-version insert into a newer generation (`standing`)
 * or its first floor link (`link`): the write fails as if the process died before it.
 */
function killFirstOf(versions: VersionStore, step: 'standing' | 'link'): string[] {
  const killed: string[] = [];
  if (step === 'standing') {
    const { generations } = versions;
    const real = generations.insert.bind(generations);
    generations.insert = (generation, doc) => {
      if (generation !== 0 && !isStub(doc) && !killed.includes(doc.conversationId)) {
        killed.push(doc.conversationId);
        return Promise.reject(new Error('killed before the standing version'));
      }
      return real(generation, doc);
    };
  } else {
    const { floors } = versions;
    const real = floors.linkMove.bind(floors);
    floors.linkMove = (conversationId, generation, to, at) => {
      if (!killed.includes(conversationId)) {
        killed.push(conversationId);
        return Promise.reject(new Error('killed before the link'));
      }
      return real(conversationId, generation, to, at);
    };
  }
  return killed;
}

describe('a move killed part-way (issue 17)', () => {
  for (const step of ['standing', 'link'] as const)
    it(`R001-7: killed before the ${step === 'standing' ? 'standing version' : 'floor link'}, the next run finishes one conversation and the next turn the other; both read and go on right`, async () => {
      const bot = await startTestBot();
      const db = bot.connection.db!;
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
      const killed = killFirstOf(versions, step);
      const now = new Date(bot.clock.now().getTime() + 31 * DAY_MS);
      const run = () => compactConversations(versions, { now, batch: 1, concurrency: 1 });

      // The first run dies on the first conversation, the second finishes it and dies on the
      // other: each is left with its stub (and, killed before the link, its standing version).
      await expect(run()).rejects.toThrow(/killed/);
      await expect(run()).rejects.toThrow(/killed/);
      expect([...killed].sort()).toEqual([...ids].sort());
      // The heads are scanned in no set order: the one killed first was finished by the run.
      const [r, t] = killed.map((id) => ids.indexOf(id)) as [number, number];
      const generation = `conversation_states_${(await versions.locate(ids[r]!)).generation}`;
      expect(await storedByGeneration(db, ids[r]!)).toEqual({
        conversation_states: [...range(1, TURNS), -(TURNS + 1)],
        [generation]: [TURNS + 1],
      });
      expect((await versions.locate(ids[t]!)).generation).toBe(0);
      expect(await storedByGeneration(db, ids[t]!)).toEqual({
        conversation_states: [...range(1, TURNS), -(TURNS + 1)],
        ...(step === 'link' ? { [generation]: [TURNS + 1] } : {}),
      });

      // The other conversation's next turn: the engine's copy in memory is version TURNS of
      // generation 0; its insert meets the stub, it reads again, finishes the move, goes on.
      const next = await send(bot, users[t]!, `m${TURNS}`, scripts[t]![TURNS]!);
      expect(next.outcome).toBe('answered');
      expect(await storedByGeneration(db, ids[t]!)).toEqual({
        conversation_states: [...range(1, TURNS), -(TURNS + 1)],
        [generation]: [TURNS + 1, TURNS + 2],
      });
      expect((await versions.locate(ids[t]!)).floor).toBe(TURNS + 1);

      // Both read back as they were, and finish their conversations; a redelivery is dropped.
      bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER);
      const first = (await versions.latest(ids[r]!))!;
      expect(first.version).toBe(TURNS + 1);
      expect(kept(first)).toEqual(kept(before[r]!));
      for (const [i, user] of users.entries()) {
        const from = i === r ? TURNS : TURNS + 1;
        for (let n = from; n < scripts[i]!.length; n++)
          expect((await send(bot, user, `m${n}`, scripts[i]![n]!)).outcome).toBe('answered');
        expect((await send(bot, user, `m${TURNS - 1}`, scripts[i]![TURNS - 1]!)).outcome).toBe(
          'duplicate',
        );
        const last = (await versions.latest(ids[i]!))!;
        expect(last.transcript.filter((l) => l.from === 'customer')).toHaveLength(
          scripts[i]!.length,
        );
      }
      // A run now has nothing left to finish or move.
      const again = await run();
      expect(again.compacted + again.finished + again.leftActive).toBe(0);
    });
});
