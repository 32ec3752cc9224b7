import mongoose from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../../src/bot/runtime.ts';
import type { SlaAlertNotice } from '../../../src/bot/sla-watch.ts';
import { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { DEFAULT_POLICY, calendarFor } from '../../../src/domain/policy/index.ts';
import { databaseUri } from '../../support/database.ts';
import { startTestBot, type TestBot } from '../../support/runtime.ts';

const calendar = calendarFor(DEFAULT_POLICY, 'MX');
const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);

describe('SLA clock: pauses, recomputed due instants, warnings and breaches', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ start: '2026-03-12T16:00:00Z' }); // Thursday 10:00 in CDMX
  });

  /** Opens a doubt case (P4) through a conversation; returns its number. */
  async function openDoubt(user: string, account: string): Promise<CaseNumber> {
    await bot.say(user, `Hola, mi cuenta es ${account}`);
    await bot.say(user, { choice: 'yes' });
    await bot.say(user, { choice: 'doubt' });
    const replies = await bot.say(user, `¿El plan de ${user} cubre equipos de respaldo?`);
    const told = replies.find((m) => m.reply.params?.caseNumber !== undefined);
    expect(told, JSON.stringify(replies.map((m) => m.reply.key))).toBeDefined();
    return String(told!.reply.params!.caseNumber) as CaseNumber;
  }
  const find = async (n: CaseNumber) => (await bot.runtime.domain.cases.find(n))!;

  it('R003-6: the clocks pause while the case waits on the customer, across a weekend and a holiday, and resume with the business time they had left', async () => {
    bot.clock.set('2026-03-12T16:00:00Z');
    const number = await openDoubt('clk1', 'MX-1001');
    const opened = await find(number);
    // Friday 13 March 11:00: the agent waits on the customer.
    bot.clock.set('2026-03-13T17:00:00Z');
    expect(await bot.runtime.sla.pause(number)).toBe('paused');
    expect(await bot.runtime.sla.pause(number)).toBe('already');
    const left = calendar.businessMinutesBetween(bot.clock.now(), opened.sla.solutionDue);

    // Past the response time while paused: level 1 keeps the case (R003-8 does not run).
    bot.clock.set(plus(opened.sla.responseDue, 60_000));
    await bot.runtime.scheduler.tick();
    expect((await find(number)).level).toBe('L1');
    // The customer answers on Tuesday 17 March 08:00 (Monday 16 is a holiday in Mexico).
    bot.clock.set('2026-03-17T14:00:00Z');
    expect(await bot.runtime.sla.resume(number)).toBe(true);
    expect(await bot.runtime.sla.resume(number)).toBe(false);
    const resumed = await find(number);
    // Friday 11–12 and 14–17, nothing on the weekend and the holiday, Tuesday 7–8: 300 minutes.
    expect(resumed.slaPause).toEqual({ since: null, minutes: 300 });
    expect(calendar.businessMinutesBetween(bot.clock.now(), resumed.sla.solutionDue)).toBe(left);
    expect(resumed.sla.solutionDue).toEqual(
      calendar.addBusinessMinutes(opened.sla.solutionDue, 300),
    );
    expect(resumed.sla.responseDue).toEqual(
      calendar.addBusinessMinutes(opened.sla.responseDue, 300),
    );
    expect(resumed.sla.firstContactDue).toEqual(opened.sla.firstContactDue); // R002-5 never pauses

    // The old response instant fires again: stale, nothing; the new one escalates (R003-8).
    bot.clock.set(plus(resumed.sla.responseDue, -60_000));
    await bot.runtime.scheduler.tick();
    expect((await find(number)).level).toBe('L1');
    bot.clock.set(plus(resumed.sla.responseDue, 1_000));
    await bot.runtime.scheduler.tick();
    const escalated = await find(number);
    expect([escalated.level, escalated.priority]).toEqual(['L2', 'P3']);
    // Recomputed under P3 from the opening, the 300 paused minutes carried over.
    const days = DEFAULT_POLICY.businessDayMinutes;
    expect(escalated.sla.solutionDue).toEqual(
      calendar.addBusinessMinutes(opened.openedAt, 5 * days + 300),
    );
    expect(escalated.slaAlerts?.filter((a) => a.kind === 'breach').map((a) => a.goal)).toContain(
      'response',
    );
  });

  it('R003-6: a warning before the solution time and its breach are marked once with two processes running the scheduler', async () => {
    bot.clock.set('2026-03-12T16:00:00Z');
    const number = await openDoubt('clk2', 'BR-4001');
    await bot.runtime.domain.caseService.recordFirstContact(number, 'Marta');
    const opened = await find(number);
    const other = mongoose.createConnection(databaseUri(bot.connection.name));
    await other.asPromise();
    const second = await createRuntime({
      connection: other,
      policy: DEFAULT_POLICY,
      clock: bot.clock,
      channels: [new InProcessChannel()],
    });
    const told: SlaAlertNotice[] = [];
    const offs = [
      bot.runtime.sla.onAlert((a) => told.push(a)),
      second.sla.onAlert((a) => told.push(a)),
    ];
    const tickBoth = () => Promise.all([bot.runtime.scheduler.tick(), second.scheduler.tick()]);
    try {
      // Keep level 1's response goal out of the way: the case is at level 2 already.
      await bot.runtime.domain.cases.setLevel(number, 'L2', 'P4');
      const warnAt = calendar.addBusinessMinutes(
        opened.openedAt,
        10 * DEFAULT_POLICY.businessDayMinutes - 30,
      );
      bot.clock.set(plus(warnAt, -1_000));
      await tickBoth();
      expect(told.filter((a) => a.caseNumber === number && a.goal === 'solution')).toHaveLength(0);
      bot.clock.set(warnAt);
      await tickBoth();
      await tickBoth();
      const solution = () => told.filter((a) => a.caseNumber === number && a.goal === 'solution');
      expect(solution().map((a) => a.kind)).toEqual(['warning']);
      expect(solution()[0]!.due).toEqual(opened.sla.solutionDue);
      // The same timer fired again by both (a claim taken over from a process that seemed dead).
      const again = {
        _id: `case:${number}:solution:warning:${warnAt.getTime()}`,
        kind: 'caseSla' as const,
        caseNumber: number,
        dueAt: warnAt,
        goal: 'solution' as const,
        phase: 'warning' as const,
      };
      expect(await Promise.all([bot.runtime.sla.fire(again), second.sla.fire(again)])).toEqual([
        'nothing',
        'nothing',
      ]);

      bot.clock.set(plus(opened.sla.solutionDue, 1_000));
      await tickBoth();
      await tickBoth();
      expect(solution().map((a) => a.kind)).toEqual(['warning', 'breach']);
      const marked = (await find(number)).slaAlerts!.filter((a) => a.goal === 'solution');
      expect(marked.map((a) => a.kind)).toEqual(['warning', 'breach']);
      const notes = (await bot.runtime.domain.cases.timeline(number)).filter(
        (e) => e.data?.slaBreach === 'solution',
      );
      expect(notes).toHaveLength(1);
      // The first contact was made: it is neither warned of nor flagged.
      expect(told.filter((a) => a.caseNumber === number && a.goal === 'firstContact')).toEqual([]);
    } finally {
      offs.forEach((off) => off());
      await second.stop();
      await other.close();
    }
  });

  it('R003-6: a closed case is neither warned of nor breached', async () => {
    bot.clock.set('2026-03-12T16:00:00Z');
    const number = await openDoubt('clk3', 'VE-3001');
    const opened = await find(number);
    await bot.runtime.domain.caseService.close(number, {
      verifiedWith: 'Luis',
      solvedAtFirstLevel: false,
    });
    bot.clock.set(plus(opened.sla.solutionDue, 1_000));
    await bot.runtime.scheduler.tick();
    expect((await find(number)).slaAlerts ?? []).toEqual([]);
  });
});
