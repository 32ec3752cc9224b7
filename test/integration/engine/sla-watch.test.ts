import mongoose from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../../src/bot/runtime.ts';
import { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { databaseUri } from '../../support/database.ts';
import { startTestBot, type TestBot } from '../../support/runtime.ts';

describe('SLA watch: durable case timers', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot(); // Tuesday 2026-03-10 10:00 in Mexico City
  });

  /** Opens a doubt case through a conversation; returns its number. */
  async function openDoubt(user: string, account: string): Promise<CaseNumber> {
    await bot.say(user, `Hola, mi cuenta es ${account}`);
    await bot.say(user, { choice: 'yes' });
    await bot.say(user, { choice: 'doubt' });
    const replies = await bot.say(user, `¿Mi plan ${user} incluye soporte en sábado?`);
    const told = replies.find((m) => m.reply.params?.caseNumber !== undefined);
    expect(told, JSON.stringify(replies.map((m) => m.reply.key))).toBeDefined();
    return String(told!.reply.params!.caseNumber) as CaseNumber;
  }

  it('R003-8: a case level 1 did not solve within its response time goes to level 2 with its priority raised, once', async () => {
    const number = await openDoubt('sla1', 'MX-1001');
    const opened = (await bot.runtime.domain.cases.find(number))!;
    expect(opened.level).toBe('L1');
    const timer = await bot.runtime.stores.timers.timer(
      `case:${number}:response:due:${opened.sla.responseDue.getTime()}`,
      opened.sla.responseDue,
    );
    expect(timer?.dueAt).toEqual(opened.sla.responseDue);

    // One minute before the response time: nothing happens.
    bot.clock.set(new Date(opened.sla.responseDue.getTime() - 60_000));
    await bot.runtime.scheduler.tick();
    expect((await bot.runtime.domain.cases.find(number))!.level).toBe('L1');

    // Past it, two processes ticking at once escalate it once.
    bot.clock.set(new Date(opened.sla.responseDue.getTime() + 1_000));
    const other = mongoose.createConnection(databaseUri(bot.connection.name));
    await other.asPromise();
    const second = await createRuntime({
      connection: other,
      policy: DEFAULT_POLICY,
      clock: bot.clock,
      channels: [new InProcessChannel()],
    });
    try {
      const fired = await Promise.all([bot.runtime.scheduler.tick(), second.scheduler.tick()]);
      expect(fired[0] + fired[1]).toBe(1);
    } finally {
      await second.stop();
      await other.close();
    }
    const escalated = (await bot.runtime.domain.cases.find(number))!;
    expect(escalated.level).toBe('L2');
    expect([opened.priority, escalated.priority]).toEqual(['P4', 'P3']); // a doubt: low, raised one step
    const events = (await bot.runtime.domain.cases.timeline(number)).filter(
      (e) => e.kind === 'escalated',
    );
    expect(events).toHaveLength(1);
  });

  it('R003-8: a case closed before its response time is not escalated', async () => {
    bot.clock.set('2026-03-10T16:00:00Z');
    const number = await openDoubt('sla2', 'VE-3001');
    expect(
      await bot.runtime.domain.caseService.close(number, {
        verifiedWith: 'Luis',
        solvedAtFirstLevel: false,
      }),
    ).toBe('closed');
    const opened = (await bot.runtime.domain.cases.find(number))!;
    bot.clock.set(new Date(opened.sla.responseDue.getTime() + 1_000));
    await bot.runtime.scheduler.tick();
    expect((await bot.runtime.domain.cases.find(number))!.level).toBe('L1');
    expect(await bot.runtime.domain.caseService.escalateIfUnsolved(number)).toBe('closed');
  });

  it('R002-5: a case nobody contacted by its first-contact time is flagged overdue, once; a contacted one is not', async () => {
    bot.clock.set('2026-03-10T16:00:00Z');
    const late = await openDoubt('sla3', 'VE-3001');
    const contacted = await openDoubt('sla4', 'BR-4001');
    await bot.runtime.domain.caseService.recordFirstContact(contacted, 'Marta');
    const due = (await bot.runtime.domain.cases.find(late))!.sla.firstContactDue;
    expect(due.getTime()).toBeGreaterThan(bot.clock.now().getTime());

    bot.clock.set(new Date(due.getTime() - 1_000));
    await bot.runtime.scheduler.tick();
    const breaches = async (n: CaseNumber) =>
      (await bot.runtime.domain.cases.timeline(n)).filter(
        (e) => e.data?.slaBreach === 'first-contact',
      );
    expect(await breaches(late)).toHaveLength(0);

    bot.clock.set(new Date(due.getTime() + 1_000));
    await bot.runtime.scheduler.tick();
    await bot.runtime.scheduler.tick();
    expect(await breaches(late)).toHaveLength(1);
    expect(await breaches(contacted)).toHaveLength(0);
  });

  it('R003-8: a legacy response timer stored by an older version (case:<n>:response) still escalates the case, once', async () => {
    bot.clock.set('2026-03-10T16:00:00Z');
    const number = await openDoubt('sla5', 'CO-2001');
    const opened = (await bot.runtime.domain.cases.find(number))!;
    // New cases get only the SLA watch's timers: the legacy ones are not written any more.
    expect(
      await bot.runtime.stores.timers.timer(`case:${number}:response`, opened.sla.responseDue),
    ).toBeNull();
    const legacy = {
      _id: `case:${number}:response`,
      kind: 'caseResponse' as const,
      caseNumber: number,
      dueAt: opened.sla.responseDue,
    };
    bot.clock.set(new Date(opened.sla.responseDue.getTime() + 1_000));
    expect(await bot.runtime.sla.fire(legacy)).toBe('done');
    expect(await bot.runtime.sla.fire(legacy)).toBe('nothing');
    expect((await bot.runtime.domain.cases.find(number))!.level).toBe('L2');
  });
});
