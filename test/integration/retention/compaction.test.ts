/**
 * Issue 17: conversations do not grow without end. Compaction keeps a conversation's latest
 * state as one version standing alone and deletes the versions before it by `_id`, on the real
 * embedded database — also while the same conversations are being written to.
 */
import { describe, expect, it } from 'vitest';
import { benchCustomer, technicalScript } from '../../../bench/conversation.ts';
import { conversationIdOf } from '../../../src/bot/engine/messages.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import { CompactionSchedule, compactConversations } from '../../../src/bot/retention/index.ts';
import { startTestBot } from '../../support/runtime.ts';
import { send, storedIds } from '../../support/script-steps.ts';

/** What a compacted state keeps of the state it stands for. */
const kept = (s: ConversationState) => ({
  conversationId: s.conversationId,
  mode: s.mode,
  language: s.language,
  session: s.session,
  snapshot: s.snapshot,
  flowInput: s.flowInput,
  deadlines: s.deadlines,
  transcript: s.transcript,
  handoff: s.handoff,
  accountNumber: s.accountNumber,
});

describe('compaction of conversations (issue 17)', () => {
  it('R001-7: a conversation compacted in the middle of a question keeps its state and transcript, drops a redelivered message, and is finished', async () => {
    const bot = await startTestBot();
    const customer = benchCustomer('CP', 1);
    await bot.runtime.domain.customers.save(customer);
    const script = technicalScript(customer.accountNumber, customer.equipment[0]!.serial);
    const user = 'compacted';
    const id = conversationIdOf('terminal', user);
    for (const [n, step] of script.slice(0, 12).entries()) await send(bot, user, `c${n}`, step);
    const before = (await bot.runtime.engine.state(id))!;
    expect(before.version).toBe(12);

    const versions = bot.runtime.stores.versions;
    const report = await compactConversations(versions, { now: bot.clock.now(), idleMs: 0 });
    expect(report.compacted).toBeGreaterThanOrEqual(1);
    expect(report.versionsDeleted).toBeGreaterThanOrEqual(12);
    expect(await storedIds(bot, id)).toEqual([13]);

    bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER);
    const after = (await versions.latest(id))!;
    expect(after.version).toBe(13);
    expect(kept(after)).toEqual(kept(before));
    expect(after.recent.slice(0, -1)).toEqual(before.recent);

    // The last message again, from the network: already answered, not answered twice.
    expect((await send(bot, user, 'c11', script[11]!)).outcome).toBe('duplicate');
    expect(await storedIds(bot, id)).toEqual([13]);

    // The rest of the question and of the conversation.
    const said: string[] = [];
    for (const [n, step] of script.slice(12).entries())
      said.push(...(await send(bot, user, `c${n + 12}`, step)).keys);
    expect(said).toContain('case.opened');
    expect(said).toContain('visit.folioConfirmed');
    const finished = (await bot.runtime.engine.state(id))!;
    expect(finished.version).toBe(13 + script.length - 12);
    expect(finished.transcript.slice(0, before.transcript.length)).toEqual(before.transcript);

    // Compacted again (a floor linked from a floor), reloaded, and still answering.
    await compactConversations(versions, { now: bot.clock.now(), idleMs: 0 });
    expect(await storedIds(bot, id)).toEqual([finished.version + 1]);
    bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER);
    expect(kept((await versions.latest(id))!)).toEqual(kept(finished));
    expect((await send(bot, user, 'later', { message: 'gracias' })).keys).not.toEqual([]);
  });

  it('conversations written to while compaction runs lose no turn and no version, and none is answered twice', async () => {
    const bot = await startTestBot();
    const USERS = 24;
    const FIRST = 6;
    const customers = Array.from({ length: USERS }, (_, i) => benchCustomer('CC', i));
    for (const c of customers) await bot.runtime.domain.customers.save(c);
    const scripts = customers.map((c) => technicalScript(c.accountNumber, c.equipment[0]!.serial));
    const user = (i: number) => `busy${i}`;
    await Promise.all(
      scripts.map(async (script, i) => {
        for (let n = 0; n < FIRST; n++) await send(bot, user(i), `m${n}`, script[n]!);
      }),
    );

    const versions = bot.runtime.stores.versions;
    let writing = true;
    let compacted = 0;
    let leftActive = 0;
    const compaction = (async () => {
      while (writing) {
        const report = await compactConversations(versions, {
          now: bot.clock.now(),
          idleMs: 0,
          batch: 5,
          concurrency: 4,
        });
        compacted += report.compacted;
        leftActive += report.leftActive;
      }
    })();
    const answered: string[][] = scripts.map(() => []);
    await Promise.all(
      scripts.map(async (script, i) => {
        for (let n = FIRST; n < script.length; n++) {
          // Half the conversations are read back from the database before each message.
          if (i % 2 === 0) bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER);
          const { outcome, keys } = await send(bot, user(i), `m${n}`, script[n]!);
          expect(outcome).toBe('answered');
          answered[i]!.push(...keys);
          // And a redelivery of the message just answered, while compaction runs.
          if (n % 3 === 0)
            expect((await send(bot, user(i), `m${n}`, script[n]!)).outcome).toBe('duplicate');
        }
      }),
    );
    writing = false;
    await compaction;
    expect(compacted).toBeGreaterThan(0);

    bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER);
    for (const [i, script] of scripts.entries()) {
      expect(answered[i]).toContain('case.opened');
      expect(answered[i]).toContain('visit.folioConfirmed');
      const id = conversationIdOf('terminal', user(i));
      const state = (await versions.latest(id))!;
      // Every message's turn is in the stored state: one customer line each, in order.
      const customerLines = state.transcript.filter((l) => l.from === 'customer');
      expect(customerLines).toHaveLength(script.length);
      const inputs = state.recent.filter((k) => !k.startsWith('compacted:'));
      expect(inputs).toHaveLength(script.length);
      // Versions are contiguous from the floor: nothing was written below it or beside it.
      const stored = await storedIds(bot, id);
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, k) => stored[0]! + k));
      expect(stored.at(-1)).toBe(state.version);
    }
    // Compaction did meet these conversations mid-way: most were compacted between messages.
    const floors = await Promise.all(
      scripts.map((_, i) => versions.floorOf(conversationIdOf('terminal', user(i)))),
    );
    expect(floors.filter((f) => f > FIRST).length).toBeGreaterThanOrEqual(USERS / 2);
    console.info(`compacted ${compacted} times, left ${leftActive} written to meanwhile`);
  });

  it('a scheduled run is claimed by insert: of processes looking at once, one compacts', async () => {
    const bot = await startTestBot();
    await bot.say('scheduled', 'hola');
    await bot.say('scheduled', 'necesito ayuda');
    const schedules = Array.from(
      { length: 4 },
      (_, i) =>
        new CompactionSchedule({
          db: bot.connection.db!,
          versions: bot.runtime.stores.versions,
          clock: bot.clock,
          settings: { idleMs: 0, everyMs: 3_600_000, keepMs: 86_400_000 },
          processId: `p${i}`,
          onRun: () => undefined,
          onError: (error) => {
            throw error;
          },
        }),
    );
    const reports = await Promise.all(schedules.map((s) => s.runIfDue()));
    expect(reports.filter((r) => r !== null)).toHaveLength(1);
    expect(reports.find((r) => r !== null)!.compacted).toBeGreaterThanOrEqual(1);
    // The same period again: already claimed. The next one: due again.
    expect(await schedules[0]!.runIfDue()).toBeNull();
    bot.clock.advance(3_600_000);
    expect(await schedules[1]!.runIfDue()).not.toBeNull();
  });
});
