/**
 * Issue 16: the customer is told how their visit went on their own channel, in their language
 * (R000-8/9/10: with the free reschedule it earned), once the outcome is recorded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomerNotices } from '../../../src/bot/customer-notices.ts';
import type { ChannelPort, OutboundMessage } from '../../../src/bot/engine/messages.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import { createTranslator } from '../../../src/bot/i18n.ts';
import { VisitOutcomeDesk } from '../../../src/bot/visit-outcome-desk.ts';
import type { Agent } from '../../../src/domain/agents/agent.ts';
import type { CaseRequest } from '../../../src/domain/cases/case.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import type { Language } from '../../../src/domain/types.ts';
import { openTestConnection } from '../../support/database.ts';

const AGENT: Agent = {
  email: 'tec@example.com',
  name: 'Técnico',
  level: 'L1',
  role: 'agent',
  countries: [],
};
const MIN = 60_000;

describe('a visit outcome told to the customer (issue 16)', () => {
  const clock = new ManualClock('2026-03-12T18:00:00Z');
  let domain: Domain;
  const sent: OutboundMessage[] = [];
  const port: ChannelPort = { kind: 'whatsapp', deliver: async (m) => void sent.push(m) };
  const languages = new Map<string, Language>();
  let desk: VisitOutcomeDesk;

  beforeAll(async () => {
    domain = createDomain(await openTestConnection(), DEFAULT_POLICY, clock);
    await domain.init();
    const engine = {
      state: async (id: string) =>
        languages.has(id)
          ? ({
              conversationId: id,
              channel: 'whatsapp',
              channelUserId: id.split(':')[1],
              language: languages.get(id),
            } as ConversationState)
          : null,
    };
    desk = new VisitOutcomeDesk(domain, new CustomerNotices(engine, [port], createTranslator()));
  });

  async function visitOf(conversationId: string, language: Language, n: number) {
    languages.set(conversationId, language);
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
      clock.now(),
    );
  }

  it('R000-10: tells an absent customer, in Portuguese, that the visit was cancelled and can be moved once free', async () => {
    const folio = await visitOf('whatsapp:5511999990001', 'pt', 1);
    const start = folio.slot.start.getTime();
    const result = await desk.record(AGENT, folio.number, {
      outcome: 'customer-absent',
      arrivedAt: new Date(start),
      startedAt: null,
      endedAt: new Date(start + 12 * MIN),
    });
    expect(result).toMatchObject({ status: 'recorded', customer: 'told' });
    const told = sent.at(-1)!;
    expect(told.conversationId).toBe('whatsapp:5511999990001');
    expect(told.deliveryId).toBe(
      `notice:visit-outcome:${folio.number}@${folio.slot.start.toISOString()}`,
    );
    expect(told.text).toContain(folio.number);
    expect(told.text).toContain('10 minutos de tolerância');
    expect(told.text).toContain('sem custo');
    // Recorded once: a second record tells nothing more.
    const again = await desk.record(AGENT, folio.number, {
      outcome: 'done',
      arrivedAt: new Date(start),
      startedAt: new Date(start),
      endedAt: new Date(start + 30 * MIN),
    });
    expect(again.status).toBe('already-recorded');
    expect(sent.filter((m) => m.conversationId === 'whatsapp:5511999990001')).toHaveLength(1);
  });

  it("R000-6: tells a customer, in Spanish, the service time counted from the technician's arrival", async () => {
    const folio = await visitOf('whatsapp:5215555550002', 'es', 2);
    const start = folio.slot.start.getTime();
    await desk.record(AGENT, folio.number, {
      outcome: 'done',
      arrivedAt: new Date(start),
      startedAt: new Date(start + 20 * MIN),
      endedAt: new Date(start + 80 * MIN),
    });
    expect(sent.at(-1)!.text).toContain('80 minutos');
    expect(sent.at(-1)!.language).toBe('es');
  });
});
