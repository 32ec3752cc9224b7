import mongoose from 'mongoose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import type { CaseRequest } from '../../../src/domain/cases/case.ts';
import { CaseNumberAllocator } from '../../../src/domain/cases/case-number.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { databaseUri, openTestConnection } from '../../support/database.ts';

function request(overrides: Partial<CaseRequest> = {}): CaseRequest {
  return {
    accountNumber: 'MX-1001',
    country: 'MX',
    timeZone: 'America/Mexico_City',
    requesterName: 'Laura Méndez',
    contractNumber: 'CT-MX-2024-001',
    equipmentSerial: 'SRV-MX-0001',
    equipmentLocation: 'CDMX',
    contact: { name: 'Laura Méndez', phone: '+52 55 5555 0101', email: 'laura@example.com' },
    subject: 'server does not boot',
    description: 'the server shows no lights',
    stepsToReproduce: 'press the power button',
    type: 'technical-fault',
    category: 'servers',
    area: 'technical',
    severity: 'high',
    urgency: 'high',
    priority: 'P2',
    channel: 'terminal',
    conversationId: null,
    attachments: [],
    transcript: [],
    solvedAtFirstLevel: false,
    ...overrides,
  };
}

describe('cases on the real database', () => {
  // Tuesday 10:00 in Mexico City (UTC-6).
  const clock = new ManualClock('2026-03-10T16:00:00Z');
  let domain: Domain;

  beforeAll(async () => {
    domain = createDomain(await openTestConnection(), DEFAULT_POLICY, clock);
    await domain.init();
  });

  it('R002-4: a new case gets a unique human-readable number and its opening time', async () => {
    const result = await domain.caseService.open(request({ equipmentSerial: 'R002-4' }));
    expect(result.outcome).toBe('opened');
    if (result.outcome !== 'opened') return;
    expect(result.case.number).toMatch(/^AT-2026-\d{6}$/);
    expect(result.case.openedAt.toISOString()).toBe('2026-03-10T16:00:00.000Z');
    const stored = await domain.cases.find(result.case.number);
    expect(stored?.openedAt.toISOString()).toBe('2026-03-10T16:00:00.000Z');
    expect(stored?.subject).toBe('server does not boot');
  });

  it('issue 17: where a case is (country, time zone) comes from memory in the process that opened it, and is read in another', async () => {
    const result = await domain.caseService.open(
      request({ equipmentSerial: 'PLACE-1', country: 'CO', timeZone: 'America/Bogota' }),
    );
    if (result.outcome !== 'opened') throw new Error('not opened');
    const number = result.case.number;
    const place = { number, country: 'CO', timeZone: 'America/Bogota' };
    const reads = vi.spyOn(domain.cases.cases, 'findById');
    try {
      expect(await domain.cases.placeOf(number)).toEqual(place);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    const connection = mongoose.createConnection(databaseUri(domain.cases.cases.db.name));
    try {
      const other = createDomain(await connection.asPromise(), DEFAULT_POLICY, clock);
      expect(await other.cases.placeOf(number)).toEqual(place);
    } finally {
      await connection.close();
    }
  });

  it('R002-5: a top-priority case must be contacted within one business hour', async () => {
    const result = await domain.caseService.open(
      request({ equipmentSerial: 'R002-5', priority: 'P1' }),
    );
    if (result.outcome !== 'opened') throw new Error('expected a new case');
    expect(result.case.sla.firstContactDue.toISOString()).toBe('2026-03-10T17:00:00.000Z');
  });

  it('R001-5: 50 parallel requests for the same matter open exactly one case', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        domain.caseService.open(request({ equipmentSerial: 'SAME-MATTER' })),
      ),
    );
    const opened = results.filter((r) => r.outcome === 'opened');
    expect(opened).toHaveLength(1);
    const numbers = new Set(
      results.map((r) => (r.outcome === 'opened' ? r.case.number : r.caseNumber)),
    );
    expect(numbers.size).toBe(1);
    const stored = await domain.cases.cases.countDocuments({ equipmentSerial: 'SAME-MATTER' });
    expect(stored).toBe(1);
    const [number] = [...numbers];
    const joins = (await domain.cases.timeline(number!)).filter((e) => e.kind === 'joined');
    expect(joins).toHaveLength(49);
  });

  it('R001-5: a matter reported again after its case closed opens a new case', async () => {
    const first = await domain.caseService.open(request({ equipmentSerial: 'REOPEN' }));
    if (first.outcome !== 'opened') throw new Error('expected a new case');
    expect(
      await domain.caseService.close(first.case.number, {
        verifiedWith: 'Laura',
        solvedAtFirstLevel: false,
      }),
    ).toBe('closed');
    const second = await domain.caseService.open(request({ equipmentSerial: 'REOPEN' }));
    expect(second.outcome).toBe('opened');
  });

  it('R001-5: the open case of a matter is found by its key; another equipment or a closed case is not', async () => {
    const opened = await domain.caseService.open(request({ equipmentSerial: 'MATTER-KEY' }));
    if (opened.outcome !== 'opened') throw new Error('expected a new case');
    const found = await domain.caseService.openCaseOfMatter(
      request({ equipmentSerial: 'MATTER-KEY' }),
    );
    expect(found?.number).toBe(opened.case.number);
    expect(
      await domain.caseService.openCaseOfMatter(request({ equipmentSerial: 'OTHER' })),
    ).toBeNull();
    await domain.caseService.close(opened.case.number, {
      verifiedWith: 'Laura',
      solvedAtFirstLevel: false,
    });
    expect(
      await domain.caseService.openCaseOfMatter(request({ equipmentSerial: 'MATTER-KEY' })),
    ).toBeNull();
  });

  it('R004-3, R002-7: a case solved at the first level says so on its record as on its closure', async () => {
    const opened = await domain.caseService.open(request({ equipmentSerial: 'FIRST-LEVEL' }));
    if (opened.outcome !== 'opened') throw new Error('expected a new case');
    expect(opened.case.solvedAtFirstLevel).toBe(false);
    await domain.caseService.close(opened.case.number, {
      verifiedWith: 'Laura',
      solvedAtFirstLevel: true,
    });
    expect((await domain.cases.findClosure(opened.case.number))?.solvedAtFirstLevel).toBe(true);
    expect((await domain.cases.find(opened.case.number))?.solvedAtFirstLevel).toBe(true);
  });

  it('200 parallel openings of different matters get 200 distinct numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        domain.caseService.open(request({ equipmentSerial: `EQ-${i}` })),
      ),
    );
    const numbers = results.map((r) => (r.outcome === 'opened' ? r.case.number : 'joined'));
    expect(numbers).not.toContain('joined');
    expect(new Set(numbers).size).toBe(200);
  });

  it('two processes allocating at once never hand out the same number', async () => {
    // A second connection with its own allocator stands for a second process.
    const other = mongoose.createConnection(databaseUri(domain.cases.cases.db.name));
    await other.asPromise();
    try {
      const second = createDomain(other, DEFAULT_POLICY, clock);
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 === 0 ? domain : second).caseService.open(
            request({ equipmentSerial: `TWO-${i}` }),
          ),
        ),
      );
      const numbers = results.map((r) => (r.outcome === 'opened' ? r.case.number : 'joined'));
      expect(new Set(numbers).size).toBe(100);
    } finally {
      await other.close();
    }
  });

  it('R002-4 (issue 17): numbers are reserved a block per insert, handed out from memory, skipping those another process holds', async () => {
    const connection = domain.caseNumbers.model.db;
    const mine = new CaseNumberAllocator(connection, 'BK', 8);
    const numbers = mine.model;
    const held = async () => numbers.countDocuments({ _id: { $regex: '^BK-' } });
    const seqOf = (n: string) => Number(n.slice(-6));
    const first = await mine.allocate(2026);
    const base = seqOf(first);
    // The block's eight numbers are held; three more cases write no number.
    expect(await held()).toBe(8);
    for (let i = 0; i < 3; i++) await mine.allocate(2026);
    expect(await held()).toBe(8);
    // A process of an older version takes a number of the next block, one by one.
    const taken = base + 10;
    await numbers.create({
      _id: `BK-2026-${String(taken).padStart(6, '0')}`,
      year: 2026,
      seq: taken,
    });
    const handed = [first];
    for (let i = 0; i < 14; i++) handed.push(await mine.allocate(2026));
    const seqs = handed.map(seqOf);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).not.toContain(taken);
    // A second process starts past every number held.
    const other = new CaseNumberAllocator(connection, 'BK', 8);
    expect(seqOf(await other.allocate(2026))).toBeGreaterThan(Math.max(...seqs, taken));
  });

  it('R002-7: closing states attention and resolution times, and a case closes once', async () => {
    const opened = await domain.caseService.open(request({ equipmentSerial: 'R002-7' }));
    if (opened.outcome !== 'opened') throw new Error('expected a new case');
    const firstContactAt = new Date(clock.now().getTime() + 15 * 60_000);
    clock.advanceMinutes(90);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        domain.caseService.close(opened.case.number, {
          verifiedWith: 'Laura Méndez',
          solvedAtFirstLevel: false,
          firstContactAt,
        }),
      ),
    );
    expect(outcomes.filter((o) => o === 'closed')).toHaveLength(1);
    const closure = await domain.cases.findClosure(opened.case.number);
    expect(closure).toMatchObject({
      attentionMinutes: 15,
      resolutionMinutes: 90,
      verifiedWith: 'Laura Méndez',
    });
    expect((await domain.cases.find(opened.case.number))?.status).toBe('closed');
  });

  it('R001-7: a chat turned into a ticket keeps its transcript in the case timeline', async () => {
    const at = clock.now();
    const opened = await domain.caseService.open(
      request({
        equipmentSerial: 'TRANSCRIPT',
        transcript: [
          { at, from: 'customer', text: 'hola' },
          { at, from: 'bot', text: 'hola, ¿en qué te ayudo?' },
        ],
      }),
    );
    if (opened.outcome !== 'opened') throw new Error('expected a new case');
    const transcript = (await domain.cases.timeline(opened.case.number)).find(
      (e) => e.kind === 'transcript',
    );
    expect(transcript?.text).toContain('customer: hola');
    expect(transcript?.text).toContain('bot: hola, ¿en qué te ayudo?');
  });

  it('R004-0: requests arriving by phone, e-mail or the web open cases through the same domain layer', async () => {
    const channels = ['phone', 'email', 'http-json'] as const;
    const results = await Promise.all(
      channels.map((channel) =>
        domain.caseService.open(request({ channel, equipmentSerial: `R004-0-${channel}` })),
      ),
    );
    for (const [i, result] of results.entries()) {
      if (result.outcome !== 'opened') throw new Error('expected a new case');
      expect((await domain.cases.find(result.case.number))?.channel).toBe(channels[i]);
    }
  });
});
