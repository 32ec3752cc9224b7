/**
 * Issue 13: a visit from the chat — seen with its folio, window and the technician's tolerance
 * (R000-10), confirmed, or moved to a slot inside office hours (R002-6) at the cost R000-5 sets,
 * told before an explicit yes. The cost here is the domain's own (`rescheduleTerms` on the
 * policy's calendar, weekends and holidays included) at the harness's fake clock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import type { VisitView } from '../../../src/flows/index.ts';
import {
  ANDINA,
  Conversation,
  SANTA_RITA,
  VERIFIED_PHONE,
  atTriage,
  expectEmittedKeysTranslated,
  openCase,
  proveAccount,
  type Options,
} from './harness.ts';

afterAll(expectEmittedKeysTranslated);

/** A visit of Laura's (MX, UTC-6) on `start`, two hours long. */
const visitOn = (start: string, over: Partial<VisitView> = {}): VisitView => ({
  folioNumber: 'AT-2026-000050-V1',
  caseNumber: 'AT-2026-000050' as CaseNumber,
  subject: 'Servidor sin red',
  start,
  end: new Date(Date.parse(start) + 2 * 3_600_000).toISOString(),
  attendant: 'Laura Méndez',
  outcome: 'pending',
  freeReschedulesLeft: 0,
  ...over,
});

/** Monday 9 March 2026, 09:00 in Mexico City. */
const MONDAY_9AM = '2026-03-09T15:00:00.000Z';
/** Tuesday 17 March 2026, 09:00 in Mexico City: the day after a holiday (Benito Juárez). */
const TUESDAY_AFTER_HOLIDAY_9AM = '2026-03-17T15:00:00.000Z';

/** Two slots a visit may move to (R002-6), after every instant these tests run at. */
const SLOTS = [
  { id: 'slot-1', start: '2026-03-25T15:00:00.000Z', end: '2026-03-25T17:00:00.000Z' },
  { id: 'slot-2', start: '2026-03-26T15:00:00.000Z', end: '2026-03-26T17:00:00.000Z' },
];
const services: Options['services'] = { proposeVisitSlots: async () => SLOTS };

/** Laura, her phone verified by the network, at triage at `startAt` with these visits. */
async function atVisits(visits: VisitView[], startAt: string, options: Options = {}) {
  const c = await atTriage({ ...VERIFIED_PHONE, visits, startAt, services, ...options });
  await c.send({ choice: 'visit' });
  return c;
}

/** Moves the clock so that the next event happens at `at` exactly. */
const minutesUntil = (c: Conversation, at: string) => (Date.parse(at) - Date.parse(c.now)) / 60_000;

/** From the visit's details: "move", a slot chosen at `at` exactly; returns that turn's keys. */
async function chooseSlotAt(c: Conversation, at: string): Promise<string[]> {
  await c.send({ choice: 'moveVisit' });
  expect(c.question?.key).toBe('visitChange.askSlot');
  return c.send({ choice: 'slot-1' }, { minutes: minutesUntil(c, at) });
}

describe('visits from the chat (issue 13)', () => {
  it("R000-10: a visit is shown with its folio, its window and the technician's tolerance", async () => {
    const visit = visitOn(MONDAY_9AM);
    const c = await atVisits([visit], '2026-03-02T16:00:00.000Z');
    expect(c.last.map((r) => r.key)).toEqual(['visitChange.details', 'visitChange.askAction']);
    expect(c.reply('visitChange.details')?.params).toMatchObject({
      folioNumber: 'AT-2026-000050-V1',
      caseNumber: 'AT-2026-000050',
      start: MONDAY_9AM,
      end: visit.end,
      minutes: 10,
      timeZone: 'America/Mexico_City',
    });
    expect(c.question?.choices?.map((x) => x.id)).toEqual([
      'confirmVisit',
      'moveVisit',
      'keepVisit',
    ]);
    expect(c.callsOf('listVisits')).toEqual([{ accountNumber: 'MX-1001', caseNumber: null }]);
  });

  it('"quiero cambiar la visita" is understood at triage, in words', async () => {
    const c = await atTriage({ ...VERIFIED_PHONE, visits: [visitOn(MONDAY_9AM)] });
    expect(await c.send('reprogramar la visita')).toEqual([
      'visitChange.details',
      'visitChange.askAction',
    ]);
  });

  it('confirms a visit: noted on its case, the tolerance told again (R000-10)', async () => {
    const c = await atVisits([visitOn(MONDAY_9AM)], '2026-03-02T16:00:00.000Z');
    expect(await c.send('confirmarla')).toEqual([
      'visitChange.confirmed',
      'common.askAnythingElse',
    ]);
    expect(c.callsOf('confirmVisit')).toEqual([
      { folioNumber: 'AT-2026-000050-V1', caseNumber: 'AT-2026-000050', at: c.now },
    ]);
    expect(c.reply('visitChange.confirmed')?.params).toMatchObject({ minutes: 10 });
    expect(c.callsOf('moveVisit')).toEqual([]);
  });

  it.each([
    ['ahí estaré', 'visitChange.confirmed'],
    ['no voy a poder', 'visitChange.askSlot'],
    ['reagendarla', 'visitChange.askSlot'],
    ['déjala así', 'visitChange.kept'],
    ['reschedule it', 'visitChange.askSlot'],
    ['remarcar', 'visitChange.askSlot'],
  ])('understands "%s" at the visit: %s', async (text, key) => {
    const c = await atVisits([visitOn(MONDAY_9AM)], '2026-03-02T16:00:00.000Z');
    expect((await c.send(text))[0]).toBe(key);
  });

  it("R002-6: a move offers the slots proposed for the customer's office hours, not the visit's own", async () => {
    const own = SLOTS[0]!.start;
    let asked: unknown = null;
    const c = await atVisits([visitOn(own)], T_MONDAY_BEFORE(), {
      services: {
        proposeVisitSlots: async (input) => {
          asked = input;
          return SLOTS;
        },
      },
    });
    await c.send({ choice: 'moveVisit' });
    expect(asked).toEqual({ country: 'MX', timeZone: 'America/Mexico_City', at: c.now });
    expect(c.question?.choices?.map((x) => x.id)).toEqual(['slot-2']);
  });

  describe('R000-5: the cost, told before an explicit yes, at the 8-business-hour boundary', () => {
    // Monday 09:00 less 8 business hours (07:00–12:00, 14:00–17:00, Monday to Friday): Monday
    // 07:00–09:00 (2 h), Friday 14:00–17:00 (3 h), Friday 09:00–12:00 (3 h) — Friday 09:00.
    const FRIDAY_9AM = '2026-03-06T15:00:00.000Z';

    it('R000-5: 8h00 of notice across a weekend is free; the visit moves only after "sí"', async () => {
      const c = await atVisits([visitOn(MONDAY_9AM)], '2026-03-06T14:30:00.000Z');
      expect(await chooseSlotAt(c, FRIDAY_9AM)).toEqual(['visitChange.askMoveFree']);
      expect(c.question?.params).toMatchObject({
        start: MONDAY_9AM,
        newStart: SLOTS[0]!.start,
        noticeHours: 8,
      });
      expect(c.callsOf('moveVisit')).toEqual([]);
      expect(await c.send('sí', { minutes: 0 })).toEqual([
        'visitChange.movedFree',
        'common.askAnythingElse',
      ]);
      expect(c.callsOf('moveVisit')).toEqual([
        {
          accountNumber: 'MX-1001',
          folioNumber: 'AT-2026-000050-V1',
          slot: SLOTS[0],
          acceptedCost: 'free',
          country: 'MX',
          timeZone: 'America/Mexico_City',
        },
      ]);
      expect(c.reply('visitChange.movedFree')?.params).toMatchObject({
        start: SLOTS[0]!.start,
        minutes: 10,
      });
    });

    it('R000-5: one second less (7h59m59s) across a weekend is charged, and said so', async () => {
      const c = await atVisits([visitOn(MONDAY_9AM)], '2026-03-06T14:30:00.000Z');
      expect(await chooseSlotAt(c, '2026-03-06T15:00:01.000Z')).toEqual([
        'visitChange.askMoveCharged',
      ]);
      expect(await c.send('sí', { minutes: 0 })).toEqual([
        'visitChange.movedCharged',
        'common.askAnythingElse',
      ]);
      expect(c.callsOf('moveVisit')[0]).toMatchObject({ acceptedCost: 'charged' });
    });

    it('R000-5: 7h59 of notice is charged; "no" keeps the visit where it was', async () => {
      const c = await atVisits([visitOn(MONDAY_9AM)], '2026-03-06T14:30:00.000Z');
      expect(await chooseSlotAt(c, '2026-03-06T15:01:00.000Z')).toEqual([
        'visitChange.askMoveCharged',
      ]);
      expect(await c.send('no')).toEqual(['visitChange.kept', 'common.askAnythingElse']);
      expect(c.callsOf('moveVisit')).toEqual([]);
    });

    // Tuesday 09:00 after Monday's holiday: Tuesday 07:00–09:00 (2 h), the holiday and the
    // weekend nothing, Friday 14:00–17:00 (3 h) and 09:00–12:00 (3 h) — Friday 13 at 09:00.
    it.each([
      ['2026-03-13T15:00:00.000Z', 'visitChange.askMoveFree'],
      ['2026-03-13T15:00:01.000Z', 'visitChange.askMoveCharged'],
      ['2026-03-13T15:01:00.000Z', 'visitChange.askMoveCharged'],
    ])(
      'R000-5: across a weekend and a holiday (16 March in Mexico), a slot chosen at %s is %s',
      async (at, key) => {
        const c = await atVisits([visitOn(TUESDAY_AFTER_HOLIDAY_9AM)], '2026-03-13T14:30:00.000Z');
        expect(await chooseSlotAt(c, at)).toEqual([key]);
      },
    );

    it('R000-5: a Colombian holiday counts for a Colombian customer (23 March, San José)', async () => {
      // Tuesday 24 March 09:00 in Bogotá (UTC-5); 8 business hours before is Friday 20 at 09:00.
      const visit = visitOn('2026-03-24T14:00:00.000Z');
      const customers = [{ ...ANDINA, paymentsUpToDate: true }];
      const input = { phone: ANDINA.primaryContact.phone };
      const free = await atVisitsAs(customers, input, visit, '2026-03-20T13:30:00.000Z');
      expect(await chooseSlotAt(free, '2026-03-20T14:00:00.000Z')).toEqual([
        'visitChange.askMoveFree',
      ]);
      const charged = await atVisitsAs(customers, input, visit, '2026-03-20T13:30:00.000Z');
      expect(await chooseSlotAt(charged, '2026-03-20T14:01:00.000Z')).toEqual([
        'visitChange.askMoveCharged',
      ]);
    });

    it('R000-5: told free at 8h00, the notice runs short before "sí": told again as charged, then moved', async () => {
      const c = await atVisits([visitOn(MONDAY_9AM)], '2026-03-06T14:30:00.000Z');
      expect(await chooseSlotAt(c, FRIDAY_9AM)).toEqual(['visitChange.askMoveFree']);
      expect(await c.send('sí', { minutes: 1 })).toEqual([
        'visitChange.costChanged',
        'visitChange.askMoveCharged',
      ]);
      expect(await c.send('sí', { minutes: 0 })).toEqual([
        'visitChange.movedCharged',
        'common.askAnythingElse',
      ]);
      expect(c.callsOf('moveVisit').map((m) => m.acceptedCost)).toEqual(['free', 'charged']);
    });

    it("R000-10: a visit missed on the customer's side owes a free move even with short notice", async () => {
      const missed = visitOn(MONDAY_9AM, {
        outcome: 'cancelled-customer-absent',
        freeReschedulesLeft: 1,
      });
      const c = await atVisits([missed], '2026-03-06T14:30:00.000Z');
      expect(c.last.map((r) => r.key)).toEqual([
        'visitChange.detailsNotDone',
        'visitChange.askAction',
      ]);
      expect(c.question?.choices?.map((x) => x.id)).toEqual(['moveVisit', 'keepVisit']);
      expect(await chooseSlotAt(c, '2026-03-09T14:00:00.000Z')).toEqual([
        'visitChange.askMoveOwed',
      ]);
      expect(await c.send('sí', { minutes: 0 })).toEqual([
        'visitChange.movedFree',
        'common.askAnythingElse',
      ]);
    });
  });

  it('several visits: the customer chooses one', async () => {
    const c = await atVisits(
      [
        visitOn(MONDAY_9AM),
        visitOn(TUESDAY_AFTER_HOLIDAY_9AM, {
          folioNumber: 'AT-2026-000051-V2',
          caseNumber: 'AT-2026-000051' as CaseNumber,
        }),
      ],
      '2026-03-02T16:00:00.000Z',
    );
    expect(c.question?.key).toBe('visitChange.askVisit');
    expect(c.question?.choices?.map((x) => x.id)).toEqual([
      'AT-2026-000050-V1',
      'AT-2026-000051-V2',
    ]);
    expect(await c.send('2')).toEqual(['visitChange.details', 'visitChange.askAction']);
    expect(c.reply('visitChange.details')?.params).toMatchObject({
      folioNumber: 'AT-2026-000051-V2',
    });
  });

  it('no visit: said plainly, with the way to ask for one', async () => {
    const c = await atVisits([], '2026-03-02T16:00:00.000Z');
    expect(c.last.map((r) => r.key)).toEqual(['visitChange.none', 'common.askAnythingElse']);
  });

  it("issue 12: a visit's date is the account's: the account is proven first", async () => {
    const c = await atTriage({ visits: [visitOn(MONDAY_9AM)] });
    expect(await c.send({ choice: 'visit' })).toEqual(['proof.codeSent', 'proof.askCode']);
    expect(c.callsOf('listVisits')).toEqual([]);
    expect(await proveAccount(c)).toEqual([
      'proof.proven',
      'visitChange.details',
      'visitChange.askAction',
    ]);
  });

  it('R000-7: a contact who is not an authorised person is not offered visits', async () => {
    const c = new Conversation({ visits: [visitOn(MONDAY_9AM)] });
    await c.send(`Hola, mi cuenta es ${SANTA_RITA.accountNumber}`);
    await c.say({ choice: 'no' }, 'Pedro Páramo', 'pedro@santarita.example', '+52 33 3333 9999');
    expect(c.question?.key).toBe('triage.ask');
    expect(c.question?.choices?.map((x) => x.id)).not.toContain('visit');
  });

  it('follow-up of a case with a visit shows that visit next, to confirm or move', async () => {
    const c = await atTriage({
      ...VERIFIED_PHONE,
      openCases: [openCase({ hasVisit: true, lastContactAt: '2026-03-02T14:00:00.000Z' })],
      visits: [visitOn(MONDAY_9AM)],
    });
    expect(await c.send({ choice: 'followUp' })).toEqual([
      'followUp.status',
      'followUp.recorded',
      'visitChange.details',
      'visitChange.askAction',
    ]);
    expect(c.callsOf('listVisits')).toEqual([
      { accountNumber: 'MX-1001', caseNumber: 'AT-2026-000050' },
    ]);
  });

  it('follow-up of a case without a visit goes on as before', async () => {
    const c = await atTriage({
      ...VERIFIED_PHONE,
      openCases: [openCase({ lastContactAt: '2026-03-02T14:00:00.000Z' })],
    });
    expect(await c.send({ choice: 'followUp' })).toEqual([
      'followUp.status',
      'followUp.recorded',
      'common.askAnythingElse',
    ]);
    expect(c.callsOf('listVisits')).toEqual([]);
  });
});

/** A Monday inside office hours, before the harness's proposed slots. */
function T_MONDAY_BEFORE(): string {
  return '2026-03-02T16:00:00.000Z';
}

/** Like `atVisits`, for another customer. */
async function atVisitsAs(
  customers: Options['customers'],
  input: Options['input'],
  visit: VisitView,
  startAt: string,
): Promise<Conversation> {
  const c = new Conversation({ customers, input, visits: [visit], startAt, services });
  await c.send(`Hola, mi cuenta es ${customers![0]!.accountNumber}`);
  if (c.question?.key === 'identification.askIsPrimary') await c.send({ choice: 'yes' });
  expect(c.question?.key).toBe('triage.ask');
  await c.send({ choice: 'visit' });
  return c;
}
