/**
 * Issue 13 end to end on the real database: a visit booked by the technical flow is seen and
 * moved from the chat; the move goes through `FolioService.reschedule` with R000-5's cost, under
 * the turn's effect key, and is noted on the case.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { mailFromConfig } from '../../../src/app/assemble.ts';
import { loadConfig } from '../../../src/app/config.ts';
import { visitServices } from '../../../src/bot/visit-services.ts';
import { calendarFor, DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { keys, startTestBot } from '../../support/runtime.ts';

/** A logger whose lines are kept: the demo account code is read from it (issue 12). */
function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('a visit moved from the chat (issue 13)', () => {
  it('R000-5, R002-6: books a visit, then moves it at short notice: charged, told first, recorded once', async () => {
    const { lines, logger } = capturedLogger();
    const config = await loadConfig({ NODE_ENV: 'development' });
    const bot = await startTestBot({ mail: mailFromConfig(config), logger });
    const u = 'laura-visit';
    const say = async (m: string | { choice: string }) => keys(await bot.say(u, m));
    for (const m of [
      'Hola, mi cuenta es MX-1001',
      'sí',
      { choice: 'technical' },
      { choice: 'servers' },
      { choice: 'SRV-MX-0001' },
      'claro',
      'si',
      'sí',
      'si',
      { choice: 'done' },
      'todavía no',
      { choice: 'high' },
      { choice: 'critical' },
      'El servidor no arranca y muestra error de disco',
      'Desde el lunes el servidor se reinicia solo y muestra disk failure en la consola',
      'Encenderlo y esperar dos minutos',
      { choice: 'done' },
      { choice: 'slot-1' },
    ])
      await say(m);
    expect(await say({ choice: 'me' })).toContain('visit.folioConfirmed');
    const [booked] = await bot.runtime.domain.folios.latestOfCases(
      (await bot.runtime.domain.cases.openCasesOf('MX-1001')).map((c) => c.number),
    );
    expect(booked).toBeDefined();

    // A new session (the visit's booking closed the last one).
    await say('Hola, mi cuenta es MX-1001');
    expect(await say('sí')).toContain('triage.ask');
    expect(await say({ choice: 'visit' })).toEqual(['proof.codeSent', 'proof.askCode']);
    const demo = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.demo)
      .at(-1);
    const details = await bot.say(u, String(demo?.code));
    expect(keys(details)).toEqual(['proof.proven', 'visitChange.details', 'visitChange.askAction']);
    expect(details[1]!.text).toContain(booked!.number);
    expect(details[1]!.text).toContain('10 minutos');

    // Tuesday 10:00 → the visit on Tuesday 14:00 is 3 business hours away: charged.
    expect(await say({ choice: 'moveVisit' })).toEqual(['visitChange.askSlot']);
    const asked = await bot.say(u, { choice: 'slot-2' });
    expect(keys(asked)).toEqual(['visitChange.askMoveCharged']);
    expect(asked[0]!.text).toMatch(/costo/);
    expect(
      (await bot.runtime.domain.folios.find(booked!.number))?.reschedules,
      'nothing moves before the yes',
    ).toHaveLength(0);

    expect(await say('sí')).toEqual(['visitChange.movedCharged', 'common.askAnythingElse']);
    const moved = await bot.runtime.domain.folios.find(booked!.number);
    expect(moved?.reschedules).toHaveLength(1);
    expect(moved?.reschedules[0]).toMatchObject({
      cost: 'charged',
      reason: 'customer-request',
      from: booked!.slot,
      requestKey: expect.stringMatching(/moveVisit$/),
    });
    expect(moved?.slot.start.getTime()).toBeGreaterThan(booked!.slot.start.getTime());
    // R002-6: the new slot lies inside office hours in the customer's zone.
    const calendar = calendarFor(DEFAULT_POLICY, 'MX', 'America/Mexico_City');
    expect(calendar.businessMinutesBetween(moved!.slot.start, moved!.slot.end)).toBe(120);
    const timeline = await bot.runtime.domain.cases.timeline(booked!.caseNumber);
    expect(timeline.filter((e) => e.kind === 'visit')).toHaveLength(2);

    // The services on the domain: the visit is the account's only, and gone once it is over.
    const services = visitServices(bot.runtime.domain, bot.clock);
    const listed = await services.listVisits({ accountNumber: 'MX-1001', caseNumber: null });
    expect(listed.map((v) => [v.folioNumber, v.start])).toEqual([
      [booked!.number, moved!.slot.start.toISOString()],
    ]);
    expect(await services.listVisits({ accountNumber: 'MX-1002', caseNumber: null })).toEqual([]);
    const where = { country: 'MX', timeZone: 'America/Mexico_City' } as const;
    const slot = {
      id: 'slot-1',
      start: booked!.slot.start.toISOString(),
      end: booked!.slot.end.toISOString(),
    };
    expect(
      await services.moveVisit(
        {
          accountNumber: 'MX-1002',
          folioNumber: booked!.number,
          slot,
          acceptedCost: 'charged',
          ...where,
        },
        { conversationId: 'terminal:other', effectKey: 'other-account' },
      ),
    ).toEqual({ outcome: 'not-movable' });
    bot.clock.set(new Date(moved!.slot.end.getTime() + 60_000).toISOString());
    expect(await services.listVisits({ accountNumber: 'MX-1001', caseNumber: null })).toEqual([]);
  });
});
