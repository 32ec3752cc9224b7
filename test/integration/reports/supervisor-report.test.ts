import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseRequest } from '../../../src/domain/cases/case.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { supervisorReport } from '../../../src/domain/reports/index.ts';
import { openTestConnection } from '../../support/database.ts';

let serial = 0;
function request(overrides: Partial<CaseRequest> = {}): CaseRequest {
  serial++;
  return {
    accountNumber: `MX-R${serial}`,
    country: 'MX',
    timeZone: 'America/Mexico_City',
    requesterName: 'Laura Méndez',
    contractNumber: null,
    equipmentSerial: `SRV-${serial}`,
    equipmentLocation: 'CDMX',
    contact: { name: 'Laura Méndez', phone: '+52 55 5555 0101', email: 'laura@example.com' },
    subject: 'server does not boot',
    description: 'no lights',
    stepsToReproduce: null,
    type: 'technical-fault',
    category: 'servers',
    area: 'technical',
    severity: 'high',
    urgency: 'high',
    priority: 'P2',
    channel: 'whatsapp',
    conversationId: null,
    attachments: [],
    transcript: [],
    solvedAtFirstLevel: false,
    ...overrides,
  };
}

describe('supervisor report from per-day summaries (issue 16)', () => {
  // Tuesday 10:00 in Mexico City (UTC-6).
  const clock = new ManualClock('2026-03-10T16:00:00Z');
  let domain: Domain;

  beforeAll(async () => {
    domain = createDomain(await openTestConnection(), DEFAULT_POLICY, clock);
    await domain.init();
  });

  it("counts the test's cases by channel, type, category and priority, the bot's first-level share, SLA (R002-5, R003-6), escalations (R003-8) and surveys (R002-8)", async () => {
    const open = async (o: Partial<CaseRequest>) => {
      const r = await domain.caseService.open(request(o));
      if (r.outcome !== 'opened') throw new Error('not opened');
      return r.case;
    };
    const a = await open({ channel: 'whatsapp', priority: 'P1' });
    const b = await open({
      channel: 'webchat',
      type: 'invoice',
      category: null,
      area: 'administration',
    });
    const c = await open({ channel: 'whatsapp', category: 'network' });
    const other = await open({ country: 'CO', timeZone: 'America/Bogota' });
    // A join (the same matter again) is not a new case.
    await domain.caseService.open({
      ...request(),
      accountNumber: a.accountNumber,
      equipmentSerial: a.equipmentSerial,
      priority: 'P1',
    });

    // a: contacted in 10 minutes (met), solved by the bot at once, surveyed 5.
    clock.advance(10 * 60_000);
    await domain.caseService.recordFirstContact(a.number, 'ana@example.com');
    await domain.caseService.recordFirstContact(a.number, 'ana@example.com'); // counted once
    await domain.caseService.close(a.number, {
      verifiedWith: 'customer',
      solvedAtFirstLevel: true,
    });
    await domain.caseService.close(a.number, {
      verifiedWith: 'customer',
      solvedAtFirstLevel: true,
    });
    await domain.cases.insertSurvey({
      caseNumber: a.number,
      score: 5,
      comment: '',
      answeredAt: clock.now(),
    });
    await domain.reports.surveyAnswered(a, 5, clock.now());
    await domain.reports.surveyAnswered(a, 5, clock.now()); // once per case

    // b: first contact flagged overdue by its timer, then the late contact counts nothing more.
    clock.set(new Date(b.sla.firstContactDue.getTime() + 60_000));
    expect(await domain.caseService.flagFirstContactOverdue(b.number)).toBe('flagged');
    await domain.caseService.recordFirstContact(b.number, 'ana@example.com');

    // c: escalated by its response timer (response missed), then closed late.
    clock.set(new Date(c.sla.responseDue.getTime() + 60_000));
    expect(await domain.caseService.escalateIfUnsolved(c.number)).toBe('escalated');
    expect(await domain.caseService.escalateIfUnsolved(c.number)).toBe('already-escalated');
    clock.set(new Date(c.sla.solutionDue.getTime() + 60_000));
    await domain.caseService.close(c.number, { verifiedWith: 'agent', solvedAtFirstLevel: false });

    const report = await supervisorReport(domain.reports.days, 'MX', '2026-03-01', '2026-04-30');
    expect(report.cases).toEqual({
      opened: 3,
      byChannel: { whatsapp: 2, webchat: 1 },
      byType: { 'technical-fault': 2, invoice: 1 },
      byCategory: { servers: 1, none: 1, network: 1 },
      byPriority: { P1: 1, P2: 2 },
    });
    expect(report.firstLevel).toEqual({ closed: 2, solvedByBot: 1, share: 0.5 });
    expect(report.sla).toEqual({
      'first-contact': { met: 1, missed: 1 },
      response: { met: 1, missed: 1 },
      solution: { met: 1, missed: 1 },
    });
    expect(report.escalations).toBe(1);
    expect(report.survey).toEqual({ answered: 1, average: 5, responseRate: 0.5 });

    // Colombia's case is Colombia's; a period before the cases has none.
    const colombia = await supervisorReport(domain.reports.days, 'CO', '2026-03-01', '2026-04-30');
    expect(colombia.cases.opened).toBe(1);
    expect(other.country).toBe('CO');
    const before = await supervisorReport(domain.reports.days, 'MX', '2026-02-01', '2026-02-28');
    expect(before.cases.opened).toBe(0);
    // Days are the country's local days: the cases opened on 10 March in Mexico City.
    const day = await supervisorReport(domain.reports.days, 'MX', '2026-03-10', '2026-03-10');
    expect(day.cases.opened).toBe(3);
    expect(day.days).toEqual([{ day: '2026-03-10', opened: 3, closed: 1 }]);
    expect(report.days).toHaveLength(61);
  });

  it('refuses a period that ends before it starts or is longer than a year', async () => {
    await expect(
      supervisorReport(domain.reports.days, 'MX', '2026-03-10', '2026-03-01'),
    ).rejects.toThrow(/before/);
    await expect(
      supervisorReport(domain.reports.days, 'MX', '2025-01-01', '2026-03-01'),
    ).rejects.toThrow(/at most/);
    await expect(
      supervisorReport(domain.reports.days, 'MX', '2026-3-1', '2026-03-01'),
    ).rejects.toThrow(/YYYY/);
  });
});
