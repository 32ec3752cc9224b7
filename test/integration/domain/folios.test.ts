import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { openTestConnection } from '../../support/database.ts';

const MX = { country: 'MX', timeZone: 'America/Mexico_City' } as const;
// Visit on Thursday 2026-03-12 09:00–11:00 in Mexico City (UTC-6).
const visit = { start: new Date('2026-03-12T15:00:00Z'), end: new Date('2026-03-12T17:00:00Z') };
const later = { start: new Date('2026-03-13T15:00:00Z'), end: new Date('2026-03-13T17:00:00Z') };

describe('visit folios', () => {
  const clock = new ManualClock('2026-03-10T16:00:00Z'); // Tuesday 10:00
  let domain: Domain;
  let n = 0;
  const newFolio = () =>
    domain.folios.open(
      `AT-2026-9${String(++n).padStart(5, '0')}` as CaseNumber,
      visit,
      'Laura',
      clock.now(),
    );

  beforeAll(async () => {
    domain = createDomain(await openTestConnection(), DEFAULT_POLICY, clock);
    await domain.init();
  });

  it('numbers folios per case: <case>-V1, -V2', async () => {
    const first = await newFolio();
    const second = await domain.folios.open(first.caseNumber, later, 'Laura', clock.now());
    expect([first.number, second.number]).toEqual([
      `${first.caseNumber}-V1`,
      `${first.caseNumber}-V2`,
    ]);
  });

  it('R000-5: a reschedule with 8 business hours of notice is free', async () => {
    clock.set('2026-03-10T16:00:00Z'); // Tue 10:00 → Thu 09:00 is 10 business hours away
    const folio = await newFolio();
    const moved = await domain.folioService.reschedule(folio.number, later, 'customer-request', MX);
    expect(moved.reschedules.at(-1)).toMatchObject({ cost: 'free' });
    expect(moved.slot.start).toEqual(later.start);
  });

  it('R000-5: a reschedule with less notice is charged', async () => {
    clock.set('2026-03-11T20:00:00Z'); // Wed 14:00 → Thu 09:00 is 5 business hours away
    const folio = await newFolio();
    const moved = await domain.folioService.reschedule(
      folio.number,
      later,
      'documents-missing',
      MX,
    );
    expect(moved.reschedules.at(-1)).toMatchObject({ cost: 'charged' });
  });

  it('R000-10: a customer more than 10 minutes late cancels the visit and earns one more free reschedule', async () => {
    clock.set('2026-03-11T20:00:00Z');
    const onTime = await newFolio();
    expect(
      (
        await domain.folioService.recordCustomerArrival(
          onTime.number,
          new Date(visit.start.getTime() + 10 * 60_000),
        )
      ).outcome,
    ).toBe('pending');
    const late = await newFolio();
    const cancelled = await domain.folioService.recordCustomerArrival(
      late.number,
      new Date(visit.start.getTime() + 11 * 60_000),
    );
    expect(cancelled).toMatchObject({
      outcome: 'cancelled-customer-absent',
      freeReschedulesLeft: 1,
    });
    const moved = await domain.folioService.reschedule(late.number, later, 'customer-absent', MX);
    expect(moved).toMatchObject({ freeReschedulesLeft: 0 });
    expect(moved.reschedules.at(-1)).toMatchObject({ cost: 'free' });
    // Only once more: the next short-notice reschedule is charged.
    clock.set('2026-03-12T22:00:00Z'); // Thu 16:00 → Fri 09:00 is 3 business hours away
    const again = await domain.folioService.reschedule(late.number, visit, 'customer-request', MX);
    expect(again.reschedules.at(-1)).toMatchObject({ cost: 'charged' });
  });

  it.each([
    ['R000-8', 'no-internet'],
    ['R000-9', 'virus'],
  ] as const)(
    '%s: a service not done for %s may be rescheduled once more at no cost',
    async (_rule, reason) => {
      clock.set('2026-03-11T20:00:00Z');
      const folio = await newFolio();
      await domain.folioService.recordFailure(folio.number, reason);
      const moved = await domain.folioService.reschedule(folio.number, later, reason, MX);
      expect(moved.reschedules.at(-1)).toMatchObject({ cost: 'free' });
      const other = await newFolio();
      await domain.folioService.recordFailure(other.number, 'other');
      expect(
        (
          await domain.folioService.reschedule(other.number, later, 'customer-request', MX)
        ).reschedules.at(-1),
      ).toMatchObject({ cost: 'charged' });
    },
  );

  it('refuses a slot that ends before it starts, and an unknown folio', async () => {
    const folio = await newFolio();
    await expect(
      domain.folioService.reschedule(
        folio.number,
        { start: later.end, end: later.start },
        'customer-request',
        MX,
      ),
    ).rejects.toThrow(/end after it starts/);
    await expect(domain.folioService.recordFailure('AT-0000-000000-V9', 'virus')).rejects.toThrow(
      /does not exist/,
    );
  });

  it('R000-6: the time the technician waits for the customer counts as service time', async () => {
    const folio = await newFolio();
    const arrived = visit.start; // 09:00; the customer was ready at 09:25, work ended 10:10
    const done = await domain.folioService.recordDone(
      folio.number,
      arrived,
      new Date(arrived.getTime() + 70 * 60_000),
    );
    expect(done).toMatchObject({ outcome: 'done', serviceMinutes: 70 });
    expect((await domain.folios.find(folio.number))?.serviceMinutes).toBe(70);
  });

  it('R000-5: the same reschedule request, twice at once, moves the visit once (its key)', async () => {
    clock.set('2026-03-11T20:00:00Z'); // Wed 14:00 → Thu 09:00: 5 business hours, charged
    const folio = await newFolio();
    const move = () =>
      domain.folioService.reschedule(folio.number, later, 'customer-request', MX, {
        requestKey: 'turn-42:moveVisit',
        acceptCost: 'charged',
      });
    const results = await Promise.all([move(), move(), move()]);
    for (const moved of results) {
      expect(moved.slot.start).toEqual(later.start);
      expect(moved.reschedules).toHaveLength(1);
    }
    // Retried later (a crash and a resend): still one reschedule, still charged once.
    clock.set('2026-03-11T21:00:00Z');
    await move();
    const stored = await domain.folios.find(folio.number);
    expect(stored?.reschedules).toHaveLength(1);
    expect(stored?.reschedules[0]).toMatchObject({
      cost: 'charged',
      requestKey: 'turn-42:moveVisit',
    });
    expect(
      await domain.folios.reschedules.model.countDocuments({ folioNumber: folio.number }),
    ).toBe(1);
    // Another request is another move.
    const back = await domain.folioService.reschedule(folio.number, visit, 'customer-request', MX, {
      requestKey: 'turn-43:moveVisit',
    });
    expect(back.reschedules).toHaveLength(2);
  });

  it('R000-5: a claimed reschedule not yet applied (a crash in between) is applied by its retry', async () => {
    clock.set('2026-03-10T16:00:00Z');
    const folio = await newFolio();
    await domain.folios.reschedules.claim({
      folioNumber: folio.number,
      requestKey: 'turn-7:moveVisit',
      at: clock.now(),
      from: visit,
      to: later,
      reason: 'customer-request',
      cost: 'free',
      owedSpent: false,
    });
    expect((await domain.folios.find(folio.number))?.reschedules).toHaveLength(0);
    const moved = await domain.folioService.reschedule(
      folio.number,
      later,
      'customer-request',
      MX,
      {
        requestKey: 'turn-7:moveVisit',
      },
    );
    expect(moved.reschedules).toHaveLength(1);
    expect(moved.slot.start).toEqual(later.start);
  });

  it('R000-5: a cost other than the one the customer accepted is refused, and nothing moves', async () => {
    clock.set('2026-03-11T20:00:00Z'); // 5 business hours' notice: charged
    const folio = await newFolio();
    await expect(
      domain.folioService.reschedule(folio.number, later, 'customer-request', MX, {
        requestKey: 'turn-9:moveVisit',
        acceptCost: 'free',
      }),
    ).rejects.toMatchObject({ code: 'RESCHEDULE_COST_CHANGED', terms: { cost: 'charged' } });
    expect((await domain.folios.find(folio.number))?.slot.start).toEqual(visit.start);
  });
});
