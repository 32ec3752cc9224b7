/**
 * Deterministic checks of the crash windows the SIGKILL test (crash-restart.test.ts) can hit at
 * random: the database is left exactly as a process killed inside the window leaves it, then a
 * fresh runtime (another "process") carries on. Each was a bug once (see git history).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../../src/bot/runtime.ts';
import type { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';
import { matterKey } from '../../../src/domain/cases/case.ts';
import { startSecondProcess, type SecondProcess } from '../../support/second-process.ts';
import { keys, startTestBot, type TestBot } from '../../support/runtime.ts';
import { accountOf, doubtScript, inboundOf, seedCustomers } from './fixtures.ts';

describe('crash windows: what a process killed between two writes leaves behind', () => {
  let bot: TestBot;
  let restarted: Runtime;
  let channel: InProcessChannel;
  let process2: SecondProcess;

  beforeAll(async () => {
    bot = await startTestBot();
    await seedCustomers(bot.runtime.domain, 1, 2);
    process2 = await startSecondProcess(bot);
    ({ runtime: restarted, channel } = process2);
  });
  afterAll(async () => {
    await process2.stop();
  });

  // The matter is claimed (insert into open_matters) before the case document is inserted. A
  // process killed between the two leaves an open matter pointing at a case number that does
  // not exist: a later request must not "join" it (the customer would be told a number with no
  // case behind it) but take it for an orphan and open the case.
  it('R001-5: a request whose matter was claimed by a process killed before inserting the case still gets a case that exists', async () => {
    const i = 1;
    const number = await bot.runtime.domain.caseNumbers.allocate(2026);
    const key = matterKey({
      accountNumber: accountOf(i),
      contact: { name: '', phone: '', email: '' },
      type: 'doubt',
      category: null,
      equipmentSerial: null,
    });
    // The killed process got this far: number allocated, matter claimed, no case document.
    expect(await bot.runtime.domain.cases.claimMatter(key, number, bot.clock.now())).toBe(true);

    const told: string[] = [];
    for (const [n, step] of doubtScript(i).entries()) {
      expect(await restarted.engine.handle(inboundOf('orphan', n, step))).toBe('answered');
    }
    for (const m of channel.to('orphan'))
      if (m.reply.key === 'request.registered') told.push(String(m.reply.params?.caseNumber));
    expect(told).toHaveLength(1);
    expect(await restarted.domain.cases.find(told[0]!)).not.toBeNull();
  });

  // The timer of a new deadline is inserted before the state version that holds it. A process
  // killed between the two leaves a timer and no state: the next process starts the session
  // again with the same deadline id, so the chat limit still fires, once.
  it('R001-7: a session whose timer was stored by a process killed before storing its state still reaches its 20-minute limit', async () => {
    const first = await bot.say('sin-timer', 'Hola');
    expect(keys(first)).toContain('welcome.greeting');
    // The killed process stored the timer but never the state.
    await bot.runtime.stores.versions.states.deleteMany({ conversationId: 'terminal:sin-timer' });
    expect(await bot.runtime.stores.timers.timersOf('terminal:sin-timer')).toHaveLength(1);

    const again = await restarted.engine.handle(inboundOf('sin-timer', 1, 'Hola'));
    expect(again).toBe('answered');
    bot.clock.advanceMinutes(21);
    await restarted.scheduler.tick();
    const limits = keys(channel.to('sin-timer')).filter((k) => k.startsWith('chatLimit.'));
    expect(limits).toEqual(['chatLimit.reached', 'chatLimit.ticketOpened']);
    await restarted.scheduler.tick();
    expect(keys(channel.to('sin-timer')).filter((k) => k.startsWith('chatLimit.'))).toHaveLength(2);
  });

  // A turn runs the flow, with its side effects (openCase), on the state it loaded. Here process
  // 1 still holds the conversation at triage in memory while process 2 has taken it to
  // "describe your doubt"; process 1's scheduler fires the 20-minute limit. A timer's turn reads
  // the stored state, so it opens one ticket for the doubt, not a stale "other" one first.
  it('R001-7, R001-5: a deadline fired by a process whose memory of the conversation is stale opens one ticket, not two', async () => {
    const i = 2;
    const script = doubtScript(i);
    await bot.runtime.engine.handle(inboundOf('stale', 0, script[0]!));
    await bot.runtime.engine.handle(inboundOf('stale', 1, script[1]!)); // process 1: at triage
    await restarted.engine.handle(inboundOf('stale', 2, script[2]!)); // process 2 moves on
    bot.clock.advanceMinutes(21);
    await bot.runtime.scheduler.tick(); // process 1 fires the deadline
    const limits = [...keys(bot.channel.to('stale')), ...keys(channel.to('stale'))].filter((k) =>
      k.startsWith('chatLimit.'),
    );
    expect(limits).toEqual(['chatLimit.reached', 'chatLimit.ticketOpened']);
    const tickets = await bot.runtime.domain.cases.cases
      .find({ conversationId: 'terminal:stale' }, { matterKey: 1 })
      .lean<{ _id: string; matterKey: string }[]>();
    expect(tickets.map((t) => t.matterKey)).toEqual([`${accountOf(i)}|doubt|-|-`]);
  });
});
