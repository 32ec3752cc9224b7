/**
 * Issue 16 through the console's HTTP routes: an agent records how a visit went (R000-6,
 * R000-8, R000-9, R000-10, R000-13), once per visit, on the case timeline with the agent's
 * e-mail; a supervisor reads the period's report as JSON and CSV, and nobody else can.
 */
import { describe, expect, it } from 'vitest';
import { tallyVisitScheduled } from '../../../src/bot/report-hooks.ts';
import type { CaseRequest } from '../../../src/domain/cases/case.ts';
import { serve } from '../app/serve.ts';
import { agentOf } from './console-client.ts';

let serial = 0;
function request(overrides: Partial<CaseRequest> = {}): CaseRequest {
  serial++;
  return {
    accountNumber: `MX-V${serial}`,
    country: 'MX',
    timeZone: 'America/Mexico_City',
    requesterName: 'Laura Méndez',
    contractNumber: null,
    equipmentSerial: `PC-${serial}`,
    equipmentLocation: 'CDMX',
    contact: { name: 'Laura Méndez', phone: '+52 55 5555 0101', email: 'laura@example.com' },
    subject: 'printer jams',
    description: 'paper jam on every page',
    stepsToReproduce: null,
    type: 'technical-fault',
    category: 'printing',
    area: 'technical',
    severity: 'medium',
    urgency: 'medium',
    priority: 'P3',
    channel: 'webchat',
    conversationId: null,
    attachments: [],
    transcript: [],
    solvedAtFirstLevel: false,
    ...overrides,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;

describe('visit outcomes and supervisor reports in the console (issue 16)', async () => {
  const served = await serve();
  const { app, clock } = served;
  const domain = app.runtime.domain;

  /** A case with a visit agreed for 10:00 local on Wednesday 11 March (16:00Z). */
  async function visit() {
    const opened = await domain.caseService.open(request());
    if (opened.outcome !== 'opened') throw new Error('not opened');
    const start = Date.parse('2026-03-11T16:00:00Z');
    const folio = await domain.folios.open(
      opened.case.number,
      { start: new Date(start), end: new Date(start + 120 * MIN) },
      'Laura Méndez',
      clock.now(),
    );
    // As the flow's openFolio does when the customer agrees the visit.
    await tallyVisitScheduled(domain, opened.case.number, folio.number, folio.createdAt);
    return { caseNumber: opened.case.number, folio: folio.number, start };
  }
  const path = (folio: string) => `/agent/api/visits/${encodeURIComponent(folio)}`;

  it('R000-6: a visit done counts the time waiting for the customer as service time, is on the timeline with the agent, and is recorded once', async () => {
    const { caseNumber, folio, start } = await visit();
    clock.set(new Date(start + 200 * MIN));
    const agent = await agentOf(served, 'L1');
    const body = {
      outcome: 'done',
      arrivedAt: iso(start - 5 * MIN),
      startedAt: iso(start + 15 * MIN),
      endedAt: iso(start + 95 * MIN),
      note: 'replaced the fuser',
    };
    // Two agents at once: one records it, the other is told it was already recorded.
    const other = await agentOf(served, 'L2');
    const [first, second] = await Promise.all([
      agent.post(`${path(folio)}/outcome`, body),
      other.post(`${path(folio)}/outcome`, { ...body, outcome: 'no-internet' }),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 409]);
    const won = first.status === 200 ? first : second;
    const lost = first.status === 200 ? second : first;
    expect((lost.body.record as { agent: string }).agent).toBe(
      (won.body.record as { agent: string }).agent,
    );
    const sheet = await agent.get(path(folio));
    const recorded = sheet.body.recorded as {
      outcome: string;
      serviceMinutes: number;
      waitingMinutes: number;
    };
    if (recorded.outcome === 'done') {
      // From the arrival (09:55) to the end (11:35): 100 minutes, the 20 waiting included.
      expect(recorded.serviceMinutes).toBe(100);
      expect(recorded.waitingMinutes).toBe(20);
      expect(sheet.body.outcome).toBe('done');
    }
    // Again later by the same agent: refused, the first record stands.
    const again = await agent.post(`${path(folio)}/outcome`, body);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already-recorded');

    const timeline = await domain.cases.timeline(caseNumber);
    const events = timeline.filter((e) => e.data?.action === 'visit-outcome');
    expect(events).toHaveLength(1);
    expect([agent.email, other.email]).toContain(events[0]!.data!.agent);
  });

  it('R000-10: "customer absent" is refused until the 10-minute tolerance is over, then cancels the visit and earns one free reschedule', async () => {
    const agent = await agentOf(served, 'L1');
    const { folio, start } = await visit();
    clock.set(new Date(start + 60 * MIN));
    const early = await agent.post(`${path(folio)}/outcome`, {
      outcome: 'customer-absent',
      arrivedAt: iso(start - 2 * MIN),
      endedAt: iso(start + 9 * MIN),
    });
    expect(early.status).toBe(400);
    expect(String(early.body.message)).toMatch(/tolerance/);
    // Named, so that the page says it in the agent's language (es, en, pt all have it).
    expect(early.body.reason).toBe('toleranceNotOver');
    for (const language of ['es', 'en', 'pt']) {
      const texts = (await agent.get(`/agent/api/texts/${language}`)).body as {
        visits: { reasons: Record<string, string> };
      };
      expect(texts.visits.reasons.toleranceNotOver).toMatch(/R000-10/);
    }
    const late = await agent.post(`${path(folio)}/outcome`, {
      outcome: 'customer-absent',
      arrivedAt: iso(start - 2 * MIN),
      endedAt: iso(start + 11 * MIN),
    });
    expect(late.status).toBe(200);
    expect(late.body.record).toMatchObject({
      rule: 'R000-10',
      freeRescheduleEarned: true,
      serviceMinutes: 13,
    });
    const sheet = await agent.get(path(folio));
    expect(sheet.body).toMatchObject({
      outcome: 'cancelled-customer-absent',
      freeReschedulesLeft: 1,
    });
  });

  it('R000-8 and R000-9: no internet and infected equipment are not performed and earn one free reschedule each', async () => {
    const agent = await agentOf(served, 'L1');
    for (const [outcome, rule] of [
      ['no-internet', 'R000-8'],
      ['infected-equipment', 'R000-9'],
    ] as const) {
      const { folio, start } = await visit();
      clock.set(new Date(start + 60 * MIN));
      const res = await agent.post(`${path(folio)}/outcome`, {
        outcome,
        arrivedAt: iso(start),
        startedAt: iso(start + 5 * MIN),
        endedAt: iso(start + 20 * MIN),
      });
      expect(res.status).toBe(200);
      expect(res.body.record).toMatchObject({
        rule,
        customerSide: true,
        freeRescheduleEarned: true,
      });
      expect((await agent.get(path(folio))).body).toMatchObject({
        outcome: 'not-performed',
        freeReschedulesLeft: 1,
      });
    }
  });

  it('R000-13: unmet requirements suspend the service (no free reschedule), unless the customer accepted the extra time in writing', async () => {
    const agent = await agentOf(served, 'L1');
    const times = (start: number) => ({
      arrivedAt: iso(start),
      startedAt: iso(start + 5 * MIN),
      endedAt: iso(start + 30 * MIN),
    });
    const refused = await visit();
    clock.set(new Date(refused.start + 60 * MIN));
    const suspended = await agent.post(`${path(refused.folio)}/outcome`, {
      outcome: 'unmet-requirements',
      ...times(refused.start),
    });
    expect(suspended.body.record).toMatchObject({
      rule: 'R000-13',
      folioOutcome: 'not-performed',
      freeRescheduleEarned: false,
    });
    expect((await agent.get(path(refused.folio))).body).toMatchObject({ freeReschedulesLeft: 0 });

    const accepted = await visit();
    const done = await agent.post(`${path(accepted.folio)}/outcome`, {
      outcome: 'unmet-requirements',
      extraTimeAcceptedInWriting: true,
      ...times(accepted.start),
    });
    expect(done.body.record).toMatchObject({
      folioOutcome: 'done',
      extraTimeAcceptedInWriting: true,
    });
  });

  it('refuses times out of order, an unknown outcome or folio, and a visit ending in the future', async () => {
    const agent = await agentOf(served, 'L1');
    const { folio, start } = await visit();
    clock.set(new Date(start + 60 * MIN));
    const post = (body: Record<string, unknown>) => agent.post(`${path(folio)}/outcome`, body);
    expect(
      (
        await post({
          outcome: 'done',
          arrivedAt: iso(start),
          startedAt: iso(start),
          endedAt: iso(start - MIN),
        })
      ).status,
    ).toBe(400);
    expect(
      (await post({ outcome: 'exploded', arrivedAt: iso(start), endedAt: iso(start) })).status,
    ).toBe(400);
    expect(
      (
        await post({
          outcome: 'done',
          arrivedAt: iso(start),
          startedAt: iso(start),
          endedAt: iso(start + 120 * MIN),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await agent.post(`${path('AT-2026-999999-V1')}/outcome`, {
          outcome: 'done',
          arrivedAt: iso(start),
          startedAt: iso(start),
          endedAt: iso(start),
        })
      ).status,
    ).toBe(404);
    expect((await agent.get(path(folio))).body).toMatchObject({
      outcome: 'pending',
      recorded: null,
    });
  });

  it("shows a supervisor the period's figures as JSON and CSV, refuses other roles", async () => {
    const agent = await agentOf(served, 'L1');
    const supervisor = await agentOf(served, 'supervisor');
    const query = '/agent/api/reports?country=MX&from=2026-03-01&to=2026-03-31';
    expect((await agent.get(query)).status).toBe(403);
    const res = await supervisor.get(query);
    expect(res.status).toBe(200);
    const report = res.body as {
      cases: { byCategory: Record<string, number> };
      visits: { scheduled: number; outcomes: Record<string, number> };
    };
    // The visits this file made: 1 + 1 + 2 + 2 + 1, with the outcomes recorded above.
    expect(report.visits.scheduled).toBe(7);
    expect(report.cases.byCategory.printing).toBe(7);
    const outcomes = report.visits.outcomes;
    expect(outcomes).toMatchObject({
      'customer-absent': 1,
      'infected-equipment': 1,
      'unmet-requirements': 2,
    });
    // The race of the first test: "done" or "no-internet" won it, and one more "no-internet".
    expect((outcomes.done ?? 0) + (outcomes['no-internet'] ?? 0)).toBe(2);
    expect(Object.values(report.visits.outcomes).reduce((a, b) => a + b, 0)).toBe(6);
    expect(
      (await supervisor.get('/agent/api/reports?country=XX&from=2026-03-01&to=2026-03-31')).status,
    ).toBe(400);
    expect(
      (await supervisor.get('/agent/api/reports?country=MX&from=2026-03-31&to=2026-03-01')).status,
    ).toBe(400);

    const csv = await fetch(`${served.base}${query}&format=csv`, {
      headers: { cookie: supervisor.cookie },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain(
      'atiende-MX-2026-03-01-2026-03-31.csv',
    );
    const text = await csv.text();
    expect(text).toContain('category,printing,7\r\n');
    expect(text).toContain('visits,scheduled,7\r\n');
  });
});
