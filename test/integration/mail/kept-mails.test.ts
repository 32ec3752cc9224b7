/**
 * Issue 16: without a mail server the case mails are kept in the outbox, never dropped in
 * silence — a supervisor sees them in the agent console; other roles do not.
 */
import { describe, expect, it, vi } from 'vitest';
import { agentOf } from '../agent-console/console-client.ts';
import { serve } from '../app/serve.ts';

describe('mails kept without a mail server (issue 16)', async () => {
  const served = await serve();
  const { domain, caseNotices, mailSender } = served.app.runtime;

  it('R002-4: a case mail with no SMTP configured is kept and listed for supervisors only', async () => {
    expect(mailSender).toBeNull();
    const opened = await domain.caseService.open({
      accountNumber: 'MX-1001',
      country: 'MX',
      timeZone: 'America/Mexico_City',
      requesterName: 'Laura Méndez',
      contractNumber: null,
      equipmentSerial: null,
      equipmentLocation: null,
      contact: { name: 'Laura Méndez', phone: '', email: 'laura.mendez@delvalle.example' },
      subject: 'kept mail',
      description: 'kept mail',
      stepsToReproduce: null,
      type: 'doubt',
      category: null,
      area: 'customer-service',
      severity: null,
      urgency: null,
      priority: 'P4',
      channel: 'webchat',
      conversationId: null,
      attachments: [],
      transcript: [],
      solvedAtFirstLevel: false,
    });
    if (opened.outcome !== 'opened') throw new Error('not opened');
    expect(await caseNotices.caseOpened(opened.case)).toBe('queued');

    const supervisor = await agentOf(served, 'supervisor');
    // Issue 17: the turn queued an intent; the runtime's loop addresses and renders it, and keeps it.
    let listed = await supervisor.get('/agent/api/mails');
    await vi.waitFor(
      async () => {
        listed = await supervisor.get('/agent/api/mails');
        expect(listed.status).toBe(200);
        const pending = listed.body.pending as { id: string; to: string; subject: string }[];
        expect(pending).toContainEqual(
          expect.objectContaining({
            id: `case:${opened.case.number}:opened`,
            to: 'laura.mendez@delvalle.example',
            subject: `Caso ${opened.case.number} registrado`,
          }),
        );
      },
      { timeout: 10_000, interval: 100 },
    );
    // Never the text: an account code's mail carries the code.
    expect(JSON.stringify(listed.body)).not.toContain('"text"');

    const agent = await agentOf(served, 'L1');
    expect((await agent.get('/agent/api/mails')).status).toBe(403);
  });
});
