/**
 * Issue 17: conversations do not grow without end. Compaction moves each conversation of a past
 * generation into the current one — a stub claiming the next version in the old collection,
 * the latest state standing alone in the new — and drops an emptied generation's collection
 * whole, on the real embedded database, also while the same conversations are being written to.
 */
import { describe, expect, it } from 'vitest';
import { benchCustomer, technicalScript } from '../../../bench/conversation.ts';
import { conversationIdOf } from '../../../src/bot/engine/messages.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import { CompactionSchedule, compactConversations } from '../../../src/bot/retention/index.ts';
import { startTestBot } from '../../support/runtime.ts';
import { send, storedByGeneration, storedIds } from '../../support/script-steps.ts';

const DAY_MS = 86_400_000;
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => from + k);

/** What a moved state keeps of the state it stands for. */
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

describe('compaction by generations (issue 17)', () => {
  it('R001-7: a conversation moved in the middle of a question keeps its state and transcript, drops a redelivered message, goes on, and its old generations are dropped whole', async () => {
    const bot = await startTestBot();
    const db = bot.connection.db!;
    const customer = benchCustomer('CP', 1);
    await bot.runtime.domain.customers.save(customer);
    const script = technicalScript(customer.accountNumber, customer.equipment[0]!.serial);
    const user = 'compacted';
    const id = conversationIdOf('terminal', user);
    for (const [n, step] of script.slice(0, 12).entries()) await send(bot, user, `c${n}`, step);
    const before = (await bot.runtime.engine.state(id))!;
    expect(before.version).toBe(12);
    const at = (days: number) => new Date(bot.clock.now().getTime() + days * DAY_MS);

    const versions = bot.runtime.stores.versions;
    const first = await compactConversations(versions, { now: at(31) });
    const g1 = `conversation_states_${first.generation}`;
    expect(first.compacted).toBeGreaterThanOrEqual(1);
    expect(first.versionsDeleted).toBe(0);
    expect(await storedByGeneration(db, id)).toEqual({
      conversation_states: [...range(1, 12), -13],
      [g1]: [13],
    });

    bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER);
    const after = (await versions.latest(id))!;
    expect(after.version).toBe(13);
    expect(kept(after)).toEqual(kept(before));
    expect(after.recent.slice(0, -1)).toEqual(before.recent);

    // The last message again, from the network: already answered, not answered twice.
    expect((await send(bot, user, 'c11', script[11]!)).outcome).toBe('duplicate');
    expect(await storedIds(bot, id)).toEqual(range(1, 13));

    // The rest of the question and of the conversation, in the new generation.
    const said: string[] = [];
    for (const [n, step] of script.slice(12).entries())
      said.push(...(await send(bot, user, `c${n + 12}`, step)).keys);
    expect(said).toContain('case.opened');
    expect(said).toContain('visit.folioConfirmed');
    const finished = (await bot.runtime.engine.state(id))!;
    expect(finished.version).toBe(13 + script.length - 12);
    expect(finished.transcript.slice(0, before.transcript.length)).toEqual(before.transcript);
    expect((await storedByGeneration(db, id))[g1]).toEqual(range(13, finished.version));

    // Moved again (its copy in memory is not told); generation 0 emptied a month ago: dropped.
    const second = await compactConversations(versions, { now: at(62) });
    const g2 = `conversation_states_${second.generation}`;
    expect(second.dropped).toEqual([0]);
    // A day later, the first generation too; nothing was deleted one by one.
    const third = await compactConversations(versions, { now: at(64) });
    expect(third.dropped).toEqual([first.generation]);
    expect(first.versionsDeleted + second.versionsDeleted + third.versionsDeleted).toBe(0);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).not.toContain('conversation_states');
    expect(names).not.toContain(g1);
    expect(await storedByGeneration(db, id)).toEqual({ [g2]: [finished.version + 1] });
    expect(kept((await versions.latest(id))!)).toEqual(kept(finished));

    // The engine's copy in memory is of the dropped generation: its insert is placed by the
    // links, refused (the move took the number), and the turn runs again on the moved state.
    const later = await send(bot, user, 'later', { message: 'gracias' });
    expect(later.outcome).toBe('answered');
    expect(later.keys).not.toEqual([]);
    expect(await storedByGeneration(db, id)).toEqual({
      [g2]: [finished.version + 1, finished.version + 2],
    });
    const names2 = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names2).not.toContain(g1);
    // A new conversation starts in the newest generation.
    await bot.say('nueva', 'hola');
    expect(Object.keys(await storedByGeneration(db, 'terminal:nueva'))).toEqual([g2]);
  });

  it('conversations written to while they are moved lose no turn and fork no version, and none is answered twice', async () => {
    const bot = await startTestBot();
    const db = bot.connection.db!;
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
    let moved = 0;
    let leftActive = 0;
    let runs = 0;
    const compaction = (async () => {
      while (writing) {
        // Each run in the next period: every conversation is moved again.
        runs++;
        const report = await compactConversations(versions, {
          now: new Date(bot.clock.now().getTime() + runs * 31 * DAY_MS),
          dropAfterMs: 10_000 * DAY_MS,
          batch: 5,
          concurrency: 4,
        });
        moved += report.compacted;
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
          // And a redelivery of the message just answered, while conversations move.
          if (n % 3 === 0)
            expect((await send(bot, user(i), `m${n}`, script[n]!)).outcome).toBe('duplicate');
        }
      }),
    );
    writing = false;
    await compaction;
    expect(moved).toBeGreaterThan(USERS);

    bot.runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER);
    let standing = 0;
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
      // No fork: every version number stored once across generations, none missing, and each
      // stub has its standing version, the first of the next generation.
      const stored = await storedByGeneration(db, id);
      expect(await storedIds(bot, id)).toEqual(range(1, state.version));
      const generations = Object.values(stored);
      for (const [k, docs] of generations.entries()) {
        const stub = docs.filter((v) => v < 0);
        if (k === generations.length - 1) {
          expect(stub).toEqual([]);
          continue;
        }
        expect(stub).toEqual([-docs.at(-2)! - 1]);
        expect(generations[k + 1]![0]).toBe(-stub[0]!);
        standing++;
      }
      for (let v = 1; v <= state.version; v++) expect(await versions.read(id, v)).not.toBeNull();
    }
    expect(standing).toBeGreaterThanOrEqual(USERS);
    console.info(`moved ${moved} times in ${runs} runs, left ${leftActive} written to meanwhile`);
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
          settings: { periodMs: 30 * DAY_MS, everyMs: 3_600_000, keepMs: DAY_MS },
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
