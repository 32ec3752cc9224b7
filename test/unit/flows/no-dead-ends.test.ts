/**
 * Issue 13: the person queue is no dead end. While queued the customer is told honestly when
 * someone can answer (R003-2: now, or the next business window naming the day or the holiday),
 * can go back to the bot at any time, a prospect reaches the prospect flow (R004-6), and the
 * 20-minute limit turns the wait into a ticket (R001-7).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../../src/bot/i18n.ts';
import type { FlowEmitted, Reply } from '../../../src/flows/index.ts';
import {
  ANDINA,
  Conversation,
  atPowerCheck,
  atTriage,
  expectEmittedKeysTranslated,
} from './harness.ts';

afterAll(expectEmittedKeysTranslated);

const translator = createTranslator();
const text = (reply: Reply | undefined, lang: 'es' | 'en' | 'pt' = 'es') =>
  reply ? translator.render(reply, lang).text : '';

/** Saturday 7 March 2026, 21:00 in Mexico City. */
const SATURDAY_NIGHT = '2026-03-08T03:00:00.000Z';
/** Monday 20 July 2026, 10:00 in Bogotá: Colombia's Independence Day. */
const CO_INDEPENDENCE = '2026-07-20T15:00:00.000Z';

const kinds = (c: Conversation) => c.emitted.map((e: FlowEmitted) => e.type);

describe('the person queue (issue 13)', () => {
  it('R003-2: queued on a Saturday night, the customer is told it is Saturday and that someone answers on Monday at 7:00 — then, and at each later message', async () => {
    const c = await atTriage({ startAt: SATURDAY_NIGHT });
    const keys = await c.send('quiero hablar con una persona');
    expect(keys).toContain('handoff.queuedClosed');
    expect(keys).not.toContain('handoff.queued');
    const queued = c.reply('handoff.queuedClosed');
    expect(queued?.params).toMatchObject({ reason: 'dayOff', today: 6, whenKind: 'thisWeek' });
    expect(text(queued)).toContain('Hoy es sábado');
    expect(text(queued)).toContain('el lunes a las 7:00');
    expect(text(queued, 'en')).toContain('on Monday at 7:00');
    expect(text(queued, 'pt')).toContain('na segunda-feira às 7:00');

    expect(await c.send('¿hola? ¿hay alguien?')).toEqual(['handoff.stillQueuedClosed']);
    expect(text(c.reply('handoff.stillQueuedClosed'))).toContain('el lunes a las 7:00');
  });

  it('R003-2: inside office hours the queue says a person will answer', async () => {
    const c = await atTriage();
    await c.send({ choice: 'person' });
    expect(c.keys).toContain('handoff.queued');
    expect(await c.send('¿siguen ahí?')).toEqual(['handoff.stillQueued']);
    // Asking for a person again while queued gets an answer too, and is not queued twice.
    expect(await c.send('quiero hablar con una persona')).toEqual(['handoff.stillQueued']);
    expect(kinds(c).filter((k) => k === 'handoff')).toHaveLength(1);
  });

  it('R003-2: on a Colombian holiday the customer is told it is a holiday, by its name', async () => {
    const c = new Conversation({ startAt: CO_INDEPENDENCE });
    await c.send('Hola, mi cuenta es CO-2001');
    await c.send({ choice: 'yes' });
    expect(c.question?.key).toBe('triage.ask');
    await c.send('agente');
    const queued = c.reply('handoff.queuedClosed');
    expect(queued?.params).toMatchObject({ reason: 'holiday', whenKind: 'tomorrow' });
    expect(text(queued)).toContain('Hoy es festivo (Día de la Independencia)');
    expect(text(queued)).toContain('mañana a las 7:00');
    expect(c.callsOf('officeHours')[0]).toMatchObject({ country: 'CO', timeZone: ANDINA.timeZone });
  });

  it('the customer goes back to the bot from the queue with "menú", "go back" or "voltar"', async () => {
    for (const word of ['menú', 'Quiero volver al menú, por favor', 'go back', 'voltar']) {
      const c = await atPowerCheck();
      await c.send('quiero hablar con una persona');
      const keys = await c.send(word);
      expect(keys, word).toEqual(['handoff.left', 'triage.ask']);
      expect(kinds(c)).toContain('handoff.left');
      // Back with the bot: a new matter is read as an answer again.
      expect(await c.send({ choice: 'doubt' })).toEqual(['request.askDescription']);
    }
  });

  it('a message that only mentions going out is not taken for leaving the queue', async () => {
    const c = await atTriage();
    await c.send({ choice: 'person' });
    expect(await c.send('no puedo salir de la aplicación')).toEqual(['handoff.stillQueued']);
    expect(kinds(c)).not.toContain('handoff.left');
  });

  it('R004-6: a prospect in the queue ("no soy cliente, quiero contratar") reaches the prospect flow', async () => {
    const c = new Conversation();
    await c.send('Hola');
    await c.send('agente');
    expect(c.keys).toContain('handoff.queued');
    const keys = await c.send('no soy cliente, quiero contratar el servicio');
    expect(keys).toEqual(['prospect.askCountry']);
    expect(kinds(c)).toContain('handoff.left');
  });

  it('R004-6: "no soy cliente" as the first message or instead of an identifier reaches the prospect flow, not the queue', async () => {
    const first = new Conversation();
    expect(await first.send('Buenas, no soy cliente, quiero contratar internet')).toContain(
      'prospect.askCountry',
    );
    const later = new Conversation();
    await later.send('Hola');
    expect(await later.send('todavía no soy cliente')).toEqual(['prospect.askCountry']);
    expect(kinds(later)).not.toContain('handoff');
  });

  it('R001-7: the 20-minute limit turns the wait into a ticket with a case number', async () => {
    const c = await atTriage();
    await c.send({ choice: 'person' });
    await c.send('¿hola?');
    const keys = await c.send({ type: 'timer.chatLimit', at: c.now });
    expect(keys).toEqual(['chatLimit.reached', 'chatLimit.ticketOpened']);
    expect(c.callsOf('openCase')).toEqual([expect.objectContaining({ includeTranscript: true })]);
    expect(c.reply('chatLimit.ticketOpened')?.params?.caseNumber).toBe('AT-2026-000001');
    expect(c.closedReason()).toBe('chat-limit');
  });

  it('words to the queue leave the stored snapshot as it was (a flood stores no snapshot per message)', async () => {
    const c = await atTriage();
    await c.send({ choice: 'person' });
    await c.send('¿hola?');
    const before = JSON.stringify(c.snapshot);
    await c.send('¿siguen ahí?');
    await c.send('zq blorf');
    expect(JSON.stringify(c.snapshot)).toBe(before);
  });
});
