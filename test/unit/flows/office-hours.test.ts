/**
 * R003-2 on every path that involves a person (issue 13): a question, an invoice, a complaint,
 * a prospect — out of hours the customer is told that nobody answers now and when someone
 * will, naming Saturday, Sunday or the holiday; inside office hours nothing more is said.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../../src/bot/i18n.ts';
import {
  Conversation,
  atTriage,
  expectEmittedKeysTranslated,
  openCase,
  proveAccount,
} from './harness.ts';

afterAll(expectEmittedKeysTranslated);

const translator = createTranslator();

/** Sunday 8 March 2026, 11:00 in Mexico City. */
const SUNDAY = '2026-03-08T17:00:00.000Z';
/** Monday 20 July 2026, 10:00 in Bogotá: Colombia's Independence Day. */
const CO_INDEPENDENCE = '2026-07-20T15:00:00.000Z';
/** Monday 2 March 2026, 19:30 in Mexico City: after the day's hours. */
const MONDAY_EVENING = '2026-03-03T01:30:00.000Z';
/** Saturday 7 March 2026, 21:00 in Mexico City. */
const SATURDAY_NIGHT = '2026-03-08T03:00:00.000Z';
/** Monday 16 March 2026, 10:00 in Mexico City: Benito Juárez's birthday (observed). */
const MX_HOLIDAY = '2026-03-16T16:00:00.000Z';

/** Registers the cancellation of MX-1001's contract from triage. */
async function cancelled(startAt: string): Promise<Conversation> {
  const c = await atTriage({ startAt });
  await c.send('quiero cancelar el servicio');
  await proveAccount(c);
  expect(c.question?.key).toBe('cancellation.askConfirm');
  await c.send('sí');
  expect(c.keys).toContain('cancellation.registered');
  return c;
}

/** Asks for news of an open case (its wait since the last contact over, or not). */
async function followedUp(startAt: string, lastContactAt: string): Promise<Conversation> {
  const c = await atTriage({ startAt, openCases: [openCase({ lastContactAt })] });
  await c.send('¿hay novedades de mi reporte?');
  if (c.question?.key === 'triage.confirmKept') await c.send('sí');
  await proveAccount(c);
  expect(c.keys).toContain('followUp.status');
  return c;
}

describe('office hours on every path (R003-2)', () => {
  it('R003-2: a question registered on a Sunday says it is Sunday and that someone answers on Monday', async () => {
    const c = await atTriage({ startAt: SUNDAY });
    await c.send({ choice: 'doubt' });
    await c.send('¿Mi plan incluye soporte en sábado?');
    expect(c.keys).toContain('request.registered');
    const notice = c.reply('officeHours.notice');
    expect(notice?.params).toMatchObject({ reason: 'dayOff', today: 7, whenKind: 'tomorrow' });
    const text = translator.render(notice!, 'es').text;
    expect(text).toContain('Hoy es domingo');
    expect(text).toContain('mañana a las 7:00');
    expect(c.question?.key).toBe('common.askAnythingElse');
  });

  it('R003-2: a complaint after hours on a weekday names tomorrow morning', async () => {
    const c = await atTriage({ startAt: MONDAY_EVENING });
    await c.send({ choice: 'complaint' });
    await c.send({ choice: 'undueCharge' });
    await c.send('Me cobraron dos veces la mensualidad de febrero');
    const notice = c.reply('officeHours.notice');
    expect(notice?.params).toMatchObject({ reason: 'outsideHours', whenKind: 'tomorrow' });
    expect(translator.render(notice!, 'en').text).toContain('tomorrow at 7:00');
  });

  it('R003-2: inside office hours a registered question says nothing about hours', async () => {
    const c = await atTriage();
    await c.send({ choice: 'doubt' });
    await c.send('¿Mi plan incluye soporte en sábado?');
    expect(c.keys).not.toContain('officeHours.notice');
    expect(c.callsOf('officeHours')).toHaveLength(1);
  });

  it('R003-2: a prospect in Colombia on a holiday is told the holiday by its name, in Portuguese too', async () => {
    const c = new Conversation({ startAt: CO_INDEPENDENCE, input: { localeHint: 'pt' } });
    await c.send('Olá, não sou cliente, quero contratar');
    expect(c.question?.key).toBe('prospect.askCountry');
    await c.say({ choice: 'CO' }, 'Carrera 7 #45, Tunja');
    await c.say('Rosa Díaz', 'rosa@nueva.example', '+57 300 444 3333');
    expect(c.keys).toContain('prospect.registered');
    const notice = c.reply('officeHours.notice');
    expect(notice?.params).toMatchObject({ reason: 'holiday', holiday: 'Dia da Independência' });
    expect(translator.render(notice!, 'pt').text).toContain(
      'Hoje é feriado (Dia da Independência)',
    );
    // Issue 13: a finished request asks for anything else rather than closing.
    expect(c.question?.key).toBe('common.askAnythingElse');
  });

  it('R003-2: a cancellation registered on Saturday at 21:00 says it is Saturday and that someone takes it up on Monday', async () => {
    const c = await cancelled(SATURDAY_NIGHT);
    const notice = c.reply('officeHours.notice');
    expect(notice?.params).toMatchObject({ reason: 'dayOff', today: 6, weekday: 1 });
    const text = translator.render(notice!, 'es').text;
    expect(text).toContain('Hoy es sábado');
    expect(text).toContain('el lunes a las 7:00');
    expect(c.keys.indexOf('officeHours.notice')).toBeGreaterThan(
      c.keys.indexOf('cancellation.registered'),
    );
    expect(c.question?.key).toBe('common.askAnythingElse');
  });

  it('R003-2: a cancellation registered on a Mexican holiday names the holiday', async () => {
    const c = await cancelled(MX_HOLIDAY);
    const notice = c.reply('officeHours.notice');
    expect(notice?.params).toMatchObject({ reason: 'holiday', whenKind: 'tomorrow' });
    expect(translator.render(notice!, 'es').text).toMatch(/Hoy es festivo \(.*Benito Juárez.*\)/);
  });

  it('R003-2: a follow-up recorded on Saturday at 21:00 says when someone answers, and inside hours says nothing', async () => {
    const c = await followedUp(SATURDAY_NIGHT, '2026-03-07T20:00:00.000Z');
    expect(c.keys).toContain('followUp.recorded');
    const notice = c.reply('officeHours.notice');
    expect(notice?.params).toMatchObject({ reason: 'dayOff', today: 6, weekday: 1 });
    expect(translator.render(notice!, 'en').text).toContain('Today is Saturday');
    expect(c.question?.key).toBe('common.askAnythingElse');
    const open = await followedUp('2026-03-02T16:00:00.000Z', '2026-03-02T15:00:00.000Z');
    expect(open.keys).toContain('followUp.recorded');
    expect(open.keys).not.toContain('officeHours.notice');
  });

  it('R003-2: a follow-up asked too soon on a holiday names the holiday, not only "the team is on it"', async () => {
    const c = await followedUp(MX_HOLIDAY, '2026-03-16T15:55:00.000Z');
    expect(c.keys).toContain('followUp.tooSoon');
    expect(c.reply('officeHours.notice')?.params).toMatchObject({ reason: 'holiday' });
  });
});
