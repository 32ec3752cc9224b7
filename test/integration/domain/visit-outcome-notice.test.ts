/**
 * Issue 16: the customer is told how their visit went on their own channel, in their language
 * (R000-8/9/10: with the free reschedule it earned), once the outcome is recorded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomerNotices } from '../../../src/bot/customer-notices.ts';
import { VisitOutcomeDesk } from '../../../src/bot/visit-outcome-desk.ts';
import type { Agent } from '../../../src/domain/agents/agent.ts';
import type { CaseRequest } from '../../../src/domain/cases/case.ts';
import type { Domain } from '../../../src/domain/domain.ts';
import { NotFoundError } from '../../../src/domain/errors.ts';
import { judgeVisitOutcome, visitKey } from '../../../src/domain/folios/visit-outcome.ts';
import type { Language } from '../../../src/domain/types.ts';
import { startTestBot, type TestBot } from '../../support/runtime.ts';

const AGENT: Agent = {
  email: 'tec@example.com',
  name: 'Técnico',
  level: 'L1',
  role: 'agent',
  countries: [],
};
const MIN = 60_000;

describe('a visit outcome told to the customer (issue 16)', () => {
  let bot: TestBot;
  let domain: Domain;
  let desk: VisitOutcomeDesk;
  const told = (user: string) =>
    bot.channel.delivered.filter(
      (m) => m.channelUserId === user && m.reply.key.startsWith('visitOutcome.'),
    );

  beforeAll(async () => {
    bot = await startTestBot({ start: '2026-03-12T18:00:00Z' });
    domain = bot.runtime.domain;
    desk = new VisitOutcomeDesk(domain, new CustomerNotices(bot.runtime.engine));
  });

  /** A conversation in `language` with a case and a visit booked for it. */
  async function visitOf(user: string, language: Language, n: number) {
    const conversationId = `terminal:${user}`;
    const greeting = { es: 'hola', en: 'hello', pt: 'olá, bom dia' }[language];
    const inbound = bot.channel.inbound(user, `hello-${n}`, greeting, { localeHint: language });
    await bot.channel.receive(inbound);
    const opened = await domain.caseService.open({
      accountNumber: `MX-N${n}`,
      country: 'MX',
      timeZone: 'America/Mexico_City',
      requesterName: 'Ana',
      contractNumber: null,
      equipmentSerial: `N${n}`,
      equipmentLocation: null,
      contact: { name: 'Ana', phone: '', email: 'ana@example.com' },
      subject: 's',
      description: 'd',
      stepsToReproduce: null,
      type: 'technical-fault',
      category: 'computing',
      area: 'technical',
      severity: null,
      urgency: null,
      priority: 'P3',
      channel: 'whatsapp',
      conversationId,
      attachments: [],
      transcript: [],
      solvedAtFirstLevel: false,
    } satisfies CaseRequest);
    if (opened.outcome !== 'opened') throw new Error('not opened');
    const start = new Date('2026-03-12T15:00:00Z');
    return domain.folios.open(
      opened.case.number,
      { start, end: new Date(start.getTime() + 120 * MIN) },
      'Ana',
      bot.clock.now(),
    );
  }

  it('R000-10: tells an absent customer, in Portuguese, that the visit was cancelled and can be moved once free', async () => {
    const folio = await visitOf('5511999990001', 'pt', 1);
    const start = folio.slot.start.getTime();
    const result = await desk.record(AGENT, folio.number, {
      outcome: 'customer-absent',
      arrivedAt: new Date(start),
      startedAt: null,
      endedAt: new Date(start + 12 * MIN),
    });
    expect(result).toMatchObject({ status: 'recorded', customer: 'told' });
    const [notice] = told('5511999990001');
    expect(notice!.conversationId).toBe('terminal:5511999990001');
    expect(notice!.language).toBe('pt');
    expect(notice!.text).toContain(folio.number);
    expect(notice!.text).toContain('10 minutos de tolerância');
    expect(notice!.text).toContain('sem custo');
    // Recorded once: a second record tells nothing more.
    const again = await desk.record(AGENT, folio.number, {
      outcome: 'done',
      arrivedAt: new Date(start),
      startedAt: new Date(start),
      endedAt: new Date(start + 30 * MIN),
    });
    expect(again.status).toBe('already-recorded');
    expect(told('5511999990001')).toHaveLength(1);
    // The notice is part of the conversation (its outbox and transcript), not a side message.
    const state = await bot.runtime.engine.state('terminal:5511999990001');
    expect(JSON.stringify(state!.transcript)).toContain('10 minutos de tolerância');
  });

  it("R000-6: tells a customer, in Spanish, the service time counted from the technician's arrival", async () => {
    const folio = await visitOf('5215555550002', 'es', 2);
    const start = folio.slot.start.getTime();
    await desk.record(AGENT, folio.number, {
      outcome: 'done',
      arrivedAt: new Date(start),
      startedAt: new Date(start + 20 * MIN),
      endedAt: new Date(start + 80 * MIN),
    });
    const [notice] = told('5215555550002');
    expect(notice!.text).toContain('80 minutos');
    expect(notice!.language).toBe('es');
  });

  it('R000-8: a process that died after recording the outcome, before the rest: the repeat finishes it, each part once', async () => {
    const folio = await visitOf('5215555550003', 'es', 3);
    const start = folio.slot.start.getTime();
    const input = {
      outcome: 'no-internet' as const,
      arrivedAt: new Date(start),
      startedAt: new Date(start),
      endedAt: new Date(start + 15 * MIN),
    };
    // As far as the dead process got: the record claimed, nothing after it.
    await domain.folios.outcomes.claim(
      judgeVisitOutcome(folio, input, domain.policy, AGENT.email, bot.clock.now()),
    );
    expect(told('5215555550003')).toHaveLength(0);
    for (let i = 0; i < 2; i++)
      expect((await desk.record(AGENT, folio.number, input)).status).toBe('already-recorded');
    expect(told('5215555550003')).toHaveLength(1);
    const lines = (await domain.cases.timeline(folio.caseNumber)).filter((e) => e.kind === 'visit');
    expect(lines).toHaveLength(1);
    const after = await domain.folios.find(folio.number);
    expect(after).toMatchObject({
      outcome: 'not-performed',
      freeReschedulesLeft: folio.freeReschedulesLeft + 1,
    });
  });

  it('an agent bound to other countries neither sees nor records a visit of this one', async () => {
    const folio = await visitOf('5215555550004', 'es', 4);
    const start = folio.slot.start.getTime();
    const colombia: Agent = { ...AGENT, email: 'co@example.com', countries: ['CO'] };
    const mexico: Agent = { ...AGENT, email: 'mx@example.com', countries: ['MX'] };
    const input = {
      outcome: 'done' as const,
      arrivedAt: new Date(start),
      startedAt: new Date(start),
      endedAt: new Date(start + 30 * MIN),
    };
    expect(await desk.sheet(colombia, folio.number)).toBeNull();
    await expect(desk.record(colombia, folio.number, input)).rejects.toBeInstanceOf(NotFoundError);
    expect(await domain.folios.outcomes.find(visitKey(folio))).toBeNull();
    expect(await desk.sheet(mexico, folio.number)).toMatchObject({ folioNumber: folio.number });
    expect((await desk.record(mexico, folio.number, input)).status).toBe('recorded');
  });
});
