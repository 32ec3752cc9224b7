/**
 * Issue 17: a case's opening writes, in its turn, the case and the SLA watch's first timer; its
 * mail (R002-4) and its count in the reports follow right after the turn. The crash windows of
 * that, left exactly as a killed process leaves them, then another process (a fresh runtime,
 * nothing in memory) running the scheduler: neither follow-up is lost, neither is doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../../src/domain/cases/case.ts';
import { OPENING_CHECK_MS } from '../../../src/bot/sla-watch.ts';
import { supervisorReport } from '../../../src/domain/reports/index.ts';
import { startSecondProcess, type SecondProcess } from '../../support/second-process.ts';
import { startTestBot, type TestBot } from '../../support/runtime.ts';
import { holdsItsSlaChain, slaTimersOf } from './fixtures.ts';

describe('crash windows of a case opening (issue 17)', () => {
  let bot: TestBot;
  let process2: SecondProcess;

  beforeAll(async () => {
    bot = await startTestBot(); // Tuesday 2026-03-10 10:00 in Mexico City
    process2 = await startSecondProcess(bot);
  });
  afterAll(async () => {
    await process2.stop();
  });

  /** A new case of its own matter, as a conversation's turn asks for it. */
  const request = (serial: string) => ({
    accountNumber: 'MX-1001',
    country: 'MX' as const,
    timeZone: 'America/Mexico_City',
    requesterName: 'Laura Méndez',
    contractNumber: 'CT-MX-2024-001',
    equipmentSerial: serial,
    equipmentLocation: 'CDMX',
    contact: { name: 'Laura Méndez', phone: '+52 55 5555 0101', email: 'laura@example.com' },
    subject: 'el servidor no arranca',
    description: 'no enciende',
    stepsToReproduce: null,
    type: 'technical-fault' as const,
    category: 'servers' as const,
    area: 'technical' as const,
    severity: 'high' as const,
    urgency: 'high' as const,
    priority: 'P2' as const,
    channel: 'terminal' as const,
    conversationId: `terminal:${serial}`,
    attachments: [],
    transcript: [],
    solvedAtFirstLevel: false,
    requestKey: `customer:terminal:${serial}:m1/0:openCase`,
  });

  /** What the turn writes, and nothing after: the process is killed as the turn ends. */
  async function openedThenKilled(serial: string): Promise<Case> {
    const result = await bot.runtime.domain.caseService.open(request(serial), {
      countLater: true,
      alongside: (value) => bot.runtime.sla.opened(value),
    });
    if (result.outcome !== 'opened') throw new Error('expected a new case');
    return result.case;
  }

  const mailOf = (found: Case) =>
    bot.runtime.domain.mailOutbox.pending.findOne({ _id: `case:${found.number}:opened` });
  const countedOpened = async () => {
    await process2.runtime.domain.reports.days.flush();
    const report = await supervisorReport(
      process2.runtime.domain.reports.days,
      'MX',
      '2026-03-10',
      '2026-03-10',
    );
    return report.cases.opened;
  };

  /**
   * The case's first SLA timer, the record of its opening, as the turn stored it: due a minute
   * after the opening at the latest (the opening's check), or at its first instant if sooner.
   */
  async function firstTimerOf(found: Case) {
    const head = bot.runtime.domain.sla.nextInstant(found)!;
    const check = new Date(found.openedAt.getTime() + OPENING_CHECK_MS);
    const [id, dueAt] =
      head.at <= check
        ? [`case:${found.number}:${head.goal}:${head.phase}:${head.at.getTime()}`, head.at]
        : [`case:${found.number}:opening`, check];
    const timer = await bot.runtime.stores.timers.timer(id, dueAt);
    expect(timer).toMatchObject({ kind: 'caseSla', opening: true });
    return timer as Extract<typeof timer, { caseNumber: string }>;
  }

  it('R002-4: killed after the case and its first timer were stored, before the mail and the count: the first timer, fired by another process, queues the mail and counts the case, once', async () => {
    bot.clock.set('2026-03-10T16:00:00Z');
    const before = await countedOpened();
    const found = await openedThenKilled('CW-1');
    expect(await mailOf(found)).toBeNull();
    expect(await countedOpened()).toBe(before);

    const timer = await firstTimerOf(found);
    // A crash delays the mail by a minute at most, not to the first SLA instant.
    expect(timer.dueAt.getTime() - found.openedAt.getTime()).toBeLessThanOrEqual(OPENING_CHECK_MS);
    bot.clock.set(new Date(timer.dueAt.getTime() + 1_000));
    await process2.runtime.scheduler.tick();
    expect(await mailOf(found)).toMatchObject({ kind: 'case-opened' });
    expect(await countedOpened()).toBe(before + 1);
    // The chain goes on: the case holds its first instant's timer.
    expect(await holdsItsSlaChain(bot.runtime.domain, bot.connection.db!, found.number)).toBe(true);
    expect(await slaTimersOf(bot.connection.db!, found.number)).not.toContain(
      `case:${found.number}:opening`,
    );
    // The same timer again (a claim taken over from a process that seemed dead): nothing new.
    await process2.runtime.sla.fire(timer);
    expect(await countedOpened()).toBe(before + 1);
    const mails = await bot.runtime.domain.mailOutbox.pending.countDocuments({
      intent: { $exists: true },
      'intent.about': found.number,
    });
    expect(mails).toBe(1);
  });

  it('R002-4: the follow-ups done after the turn and the mail sent before the first timer fires: the timer queues no second mail and counts nothing again', async () => {
    bot.clock.set('2026-03-10T16:00:00Z');
    const before = await countedOpened();
    const found = await openedThenKilled('CW-2');
    // This time the process lived: its follow-ups ran after the turn.
    bot.runtime.caseOpening.opened(found);
    await bot.runtime.caseOpening.settled();
    expect(await mailOf(found)).toMatchObject({ kind: 'case-opened' });
    expect(await countedOpened()).toBe(before + 1);
    // The mail was sent: ended, and dropped from the outbox.
    const id = `case:${found.number}:opened`;
    const { mailOutbox } = bot.runtime.domain;
    await mailOutbox.end(id, { outcome: 'sent', at: bot.clock.now(), attempts: 1 });
    await mailOutbox.forget(id);

    const timer = await firstTimerOf(found);
    bot.clock.set(new Date(timer.dueAt.getTime() + 1_000));
    await process2.runtime.scheduler.tick();
    expect(await mailOf(found)).toBeNull();
    expect(await countedOpened()).toBe(before + 1);
  });
});
