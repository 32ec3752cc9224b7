import mongoose from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../../src/bot/runtime.ts';
import { OPENING_CHECK_MS } from '../../../src/bot/sla-watch.ts';
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

  /** The SLA watch's pending timers of a case, in whatever hour they are due. */
  async function slaTimersOf(number: CaseNumber): Promise<string[]> {
    const db = bot.connection.db!;
    const ids: string[] = [];
    for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (!c.name.startsWith('timers_due_')) continue;
      const docs = await db
        .collection<{ _id: string }>(c.name)
        .find({ caseNumber: number, kind: 'caseSla' })
        .toArray();
      ids.push(...docs.map((d) => d._id));
    }
    return ids.sort();
  }

  /** A customer of its own, like MX-1001, so that its doubt is a matter of its own. */
  async function customerLike(account: string): Promise<string> {
    const base = (await bot.runtime.domain.customers.findByAccountOrContract('MX-1001'))!;
    await bot.runtime.domain.customers.save({
      ...base,
      accountNumber: account,
      contractNumbers: [`CT-${account}`],
    });
    return account;
  }

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

    // One minute before the response time: nothing happens, and the case's one timer is then
    // its response time's (the instants before it fired, each setting the next).
    bot.clock.set(new Date(opened.sla.responseDue.getTime() - 60_000));
    await bot.runtime.scheduler.tick();
    expect((await bot.runtime.domain.cases.find(number))!.level).toBe('L1');
    expect(await slaTimersOf(number)).toEqual([
      `case:${number}:response:due:${opened.sla.responseDue.getTime()}`,
    ]);

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

  it('R002-5, R003-6, R003-8 (issue 17): a case holds one SLA timer, its next instant; each fired sets the next, and a tick past several acts on each once', async () => {
    bot.clock.set('2026-03-10T16:00:00Z');
    const number = await openDoubt('sla6', await customerLike('MX-1906'));
    const opened = (await bot.runtime.domain.cases.find(number))!;
    const sla = bot.runtime.domain.sla;
    const idOf = (i: { goal: string; phase: string; at: Date }) =>
      `case:${number}:${i.goal}:${i.phase}:${i.at.getTime()}`;
    const first = sla.nextInstant(opened)!;
    const second = sla.nextInstant(opened, first)!;
    expect(first).toMatchObject({ goal: 'firstContact', phase: 'warning' });
    // First the opening's check, a minute after the opening (sooner than the first instant):
    // fired, it acts on nothing and sets the first instant's timer.
    const check = new Date(opened.openedAt.getTime() + OPENING_CHECK_MS);
    expect(first.at.getTime()).toBeGreaterThan(check.getTime());
    expect(await slaTimersOf(number)).toEqual([`case:${number}:opening`]);
    bot.clock.set(new Date(check.getTime() + 1_000));
    await bot.runtime.scheduler.tick();
    expect((await bot.runtime.domain.cases.find(number))!.slaAlerts ?? []).toEqual([]);
    expect(await slaTimersOf(number)).toEqual([idOf(first)]);

    bot.clock.set(new Date(first.at.getTime() + 1_000));
    expect(await bot.runtime.scheduler.tick()).toBeGreaterThanOrEqual(1);
    expect(await slaTimersOf(number)).toEqual([idOf(second)]);
    const alerts = async () => (await bot.runtime.domain.cases.find(number))!.slaAlerts ?? [];
    expect((await alerts()).map((a) => `${a.kind}:${a.goal}`)).toEqual(['warning:firstContact']);

    // Past every instant at once: one tick acts on each past one in order; the escalation
    // (R003-8) starts the raised priority's chain over, whose past instants the next tick runs.
    bot.clock.set(new Date(opened.sla.solutionDue.getTime() + 1_000));
    for (let i = 0; i < 3; i++) await bot.runtime.scheduler.tick();
    const after = (await bot.runtime.domain.cases.find(number))!;
    expect(after.level).toBe('L2');
    const breaches = (await alerts()).filter((a) => a.kind === 'breach').map((a) => a.goal);
    expect(breaches.sort()).toEqual(['firstContact', 'response', 'solution']);
    const escalated = (await bot.runtime.domain.cases.timeline(number)).filter(
      (e) => e.kind === 'escalated',
    );
    expect(escalated).toHaveLength(1);
    // Nothing left to watch: the chain ended with the last instant.
    expect(await slaTimersOf(number)).toEqual([]);
  });

  it('R003-6 (issue 17): a stale SLA timer acts on nothing and the chain goes on from where it was', async () => {
    bot.clock.set('2026-03-10T16:00:00Z');
    const number = await openDoubt('sla7', await customerLike('MX-1907'));
    const opened = (await bot.runtime.domain.cases.find(number))!;
    const sla = bot.runtime.domain.sla;
    const head = sla.nextInstant(opened)!;
    // The case's one timer as opened: the opening's check (a minute after it), taken away.
    await bot.runtime.stores.timers.finish({
      _id: `case:${number}:opening`,
      dueAt: new Date(opened.openedAt.getTime() + OPENING_CHECK_MS),
    });
    expect(await slaTimersOf(number)).toEqual([]);
    // A timer of an instant the case no longer has (a pause or a priority moved it since).
    const staleAt = new Date(head.at.getTime() + 60_000);
    bot.clock.set(new Date(staleAt.getTime() + 1_000));
    const stale = {
      _id: `case:${number}:firstContact:warning:${staleAt.getTime()}`,
      kind: 'caseSla' as const,
      caseNumber: number,
      dueAt: staleAt,
      goal: 'firstContact' as const,
      phase: 'warning' as const,
    };
    expect(await bot.runtime.sla.fire(stale)).toBe('nothing');
    expect((await bot.runtime.domain.cases.find(number))!.slaAlerts ?? []).toEqual([]);
    const next = sla.nextInstant(opened, { goal: 'firstContact', phase: 'warning', at: staleAt })!;
    expect(next.at.getTime()).toBeGreaterThan(staleAt.getTime());
    expect(await slaTimersOf(number)).toEqual([
      `case:${number}:${next.goal}:${next.phase}:${next.at.getTime()}`,
    ]);
  });
});
