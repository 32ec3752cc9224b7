import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { personStandingOf } from '../../../src/bot/flow-services.ts';
import { AnnouncementBoard } from '../../../src/domain/announcements/index.ts';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { createDomain } from '../../../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { databaseUri } from '../../support/database.ts';
import { serve } from '../app/serve.ts';
import { agentOf, queuedCustomer, repliesTo } from './console-client.ts';

describe('the console: SLA pause, fair use and announcements (issue 16)', async () => {
  const served = await serve();
  const { app } = served;
  const domain = app.runtime.domain;

  /** A queued customer taken by a new agent; the case the take opened. */
  async function taken(user: string, account = 'MX-1001') {
    const id = await queuedCustomer(served, user, account);
    const agent = await agentOf(served, 'L1');
    expect((await agent.act(id, 'take')).status).toBe(200);
    const view = await agent.get(`/agent/api/conversations/${encodeURIComponent(id)}`);
    const caseNumber = view.body.caseNumber as CaseNumber;
    expect(caseNumber).toBeTruthy();
    return { id, agent, caseNumber };
  }
  const timelineOf = (n: CaseNumber) => domain.cases.timeline(n);

  it('serves the case tools module with the console page', async () => {
    const res = await fetch(`${served.base}/agent/case-tools.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(await res.text()).toContain('export function caseTools');
    const page = await (await fetch(`${served.base}/agent/console.js`)).text();
    expect(page).toContain("from './case-tools.js'");
  });

  it('R003-6: the agent pauses the case while waiting on the customer; the customer answering resumes it', async () => {
    const { agent, id, caseNumber } = await taken('wait-customer');
    expect((await agent.act(id, 'await-customer')).status).toBe(200);
    const paused = (await domain.cases.find(caseNumber))!;
    expect(paused.status).toBe('waiting-customer');
    expect(paused.slaPause?.since).toEqual(served.clock.now());
    expect(
      (await timelineOf(caseNumber)).some(
        (e) => e.data?.action === 'awaitCustomer' && e.data?.agent === agent.email,
      ),
    ).toBe(true);

    served.clock.advance(90 * 60_000); // 11:30 → within office hours: 90 business minutes
    await served.chat({ userId: 'wait-customer', messageId: 'w1', text: 'ya reinicié el equipo' });
    await expect
      .poll(async () => (await domain.cases.find(caseNumber))!.slaPause)
      .toEqual({ since: null, minutes: 90 });
    const resumed = (await domain.cases.find(caseNumber))!;
    expect(resumed.sla.solutionDue.getTime()).toBeGreaterThan(paused.sla.solutionDue.getTime());
  });

  it('R001-10: the agent marks the report false: the case closes, the breach counts for the person, the customer is told why', async () => {
    const { agent, id, caseNumber } = await taken('false-report', 'BR-4001');
    expect((await agent.act(id, 'mark-false', { reason: '' })).status).toBe(400);
    expect(
      (await agent.act(id, 'mark-false', { reason: 'el equipo reportado no existe' })).status,
    ).toBe(200);
    expect((await domain.cases.findClosure(caseNumber))?.verifiedWith).toBe(agent.email);
    const records = await domain.abuse.history({ person: `conversation:${id}` });
    expect(records.map((r) => [r.rule, r.agent, r.text])).toEqual([
      ['R001-10', agent.email, 'el equipo reportado no existe'],
    ]);
    const told = await repliesTo(served, 'false-report');
    expect(told.map((r) => r.key)).toContain('agentFairUse.markedFalse');
    expect(told.find((r) => r.key === 'agentFairUse.markedFalse')!.text).toContain(
      'el equipo reportado no existe',
    );
    expect(
      (await timelineOf(caseNumber)).some(
        (e) => e.data?.action === 'markFalse' && e.data?.agent === agent.email,
      ),
    ).toBe(true);
  });

  it('R001-11: the agent suspends the person with a reason; told on their channel, refused at their next message, seen by another process', async () => {
    const { agent, id, caseNumber } = await taken('to-suspend', 'VE-3001');
    expect(
      (await agent.act(id, 'suspend', { reason: 'amenazas al técnico', hours: 48 })).status,
    ).toBe(200);
    const told = await repliesTo(served, 'to-suspend');
    const suspended = told.find((r) => r.key === 'agentFairUse.suspendedUntil');
    expect(suspended?.text).toContain('amenazas al técnico');
    expect(
      (await timelineOf(caseNumber)).some(
        (e) =>
          e.data?.action === 'suspend' &&
          e.data?.agent === agent.email &&
          e.data?.suspendedUntil ===
            new Date(served.clock.now().getTime() + 48 * 3_600_000).toISOString(),
      ),
    ).toBe(true);

    // Another process reads the person's standing from the database.
    const other = mongoose.createConnection(databaseUri(app.connection.name));
    await other.asPromise();
    try {
      const second = createDomain(other, DEFAULT_POLICY, served.clock);
      expect(await personStandingOf(second)(id, null, served.clock.now())).not.toBeNull();
    } finally {
      await other.close();
    }
    // The next message starts a session that refuses the person.
    const next = await served.chat({ userId: 'to-suspend', messageId: 's1', text: 'hola?' });
    expect(next.body.replies!.map((r) => r.key).join(' ')).toMatch(/fairUse\.stillSuspended/);
  });

  it('R003-3 / R003-4: a supervisor announces a suspension of the service; another process sees it in its business calendar at once; an agent may not post one', async () => {
    served.clock.set('2026-03-11T16:00:00Z'); // Wednesday 10:00 in CDMX, 11:00 in Bogotá
    const supervisor = await agentOf(served, 'supervisor');
    const l1 = await agentOf(served, 'L1');
    const now = served.clock.now();
    const announcement = {
      kind: 'suspension',
      country: 'MX',
      from: now.toISOString(),
      to: new Date(now.getTime() + 3 * 3_600_000).toISOString(),
      note: 'capacitación del equipo',
    };
    expect((await l1.post('/agent/api/announcements', announcement)).status).toBe(403);

    const other = mongoose.createConnection(databaseUri(app.connection.name));
    await other.asPromise();
    try {
      const board = new AnnouncementBoard(other, DEFAULT_POLICY);
      await board.init();
      expect(board.calendarOf('MX').isBusinessTime(now)).toBe(true);
      const posted = await supervisor.post('/agent/api/announcements', announcement);
      expect(posted.status).toBe(200);
      await board.refresh();
      expect(board.calendarOf('MX').isBusinessTime(now)).toBe(false);
      expect(board.calendarOf('CO').isBusinessTime(now)).toBe(true);
      // The bot tells a customer who asks for a person why nobody answers (R003-4).
      const user = 'during-suspension';
      await served.chat({ userId: user, messageId: 'a1', text: 'Hola, mi cuenta es MX-1001' });
      await served.chat({ userId: user, messageId: 'a2', text: 'sí' });
      const queued = await served.chat({ userId: user, messageId: 'a3', choice: 'person' });
      const closedTold = queued.body.replies!.find((r) => r.key === 'handoff.queuedClosed');
      expect(closedTold?.text).toContain('capacitación del equipo');
      const listed = await l1.get('/agent/api/announcements');
      expect((listed.body.announcements as { id: string }[]).map((a) => a.id)).toContain(
        posted.body.id,
      );

      expect(
        (await supervisor.post(`/agent/api/announcements/${String(posted.body.id)}/withdraw`))
          .status,
      ).toBe(200);
      await board.refresh();
      expect(board.calendarOf('MX').isBusinessTime(now)).toBe(true);
    } finally {
      await other.close();
    }
  });
});
