/**
 * Asking for a person works at any question, not only at triage: the conversation is handed
 * off (queued for an agent, with the country's contact centre, R002-1) instead of the question
 * being asked again. Only a whole message that asks for someone counts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FlowEmitted } from '../../../src/flows/index.ts';
import { createTranslator } from '../../../src/bot/i18n.ts';
import { labelText } from '../../../src/flows/understanding.ts';
import { atPowerCheck, atSeverity, Conversation, expectEmittedKeysTranslated } from './harness.ts';

afterAll(expectEmittedKeysTranslated);

const handoffs = (c: Conversation) =>
  c.emitted.filter((e): e is Extract<FlowEmitted, { type: 'handoff' }> => e.type === 'handoff');

describe('asking for a person', () => {
  it('R002-1: in the middle of the first-level checks, a request for a person hands off at once', async () => {
    const c = await atPowerCheck();
    const keys = await c.send('Quiero hablar con una persona, por favor');
    expect(keys).toContain('handoff.queued');
    expect(keys).toContain('handoff.contactCentre');
    expect(keys).not.toContain('common.notUnderstood');
    expect(handoffs(c)).toEqual([expect.objectContaining({ reason: 'customer-request' })]);
    // Already queued: asking again does not queue it twice.
    await c.send('agente');
    expect(handoffs(c)).toHaveLength(1);
  });

  it('R002-1: before the customer is identified, and in English and Portuguese', async () => {
    for (const [hello, ask] of [
      ['Hello', 'I want to talk to a human'],
      ['Olá', 'quero falar com um atendente'],
      ['Hola', 'asesor'],
    ]) {
      const c = new Conversation();
      await c.send(hello!);
      expect(await c.send(ask!)).toContain('handoff.queued');
      expect(handoffs(c)).toHaveLength(1);
    }
  });

  it('R001-2: a description that mentions a person is a description, not a request for one', async () => {
    const c = await atSeverity();
    await c.say({ choice: 'high' }, { choice: 'critical' });
    const keys = await c.send('Otra persona del área usa el servidor y se apaga');
    expect(keys).not.toContain('handoff.queued');
    expect(handoffs(c)).toEqual([]);
    // A request for a person at the same kind of question still hands off.
    const d = await atSeverity();
    await d.say({ choice: 'high' }, { choice: 'critical' });
    expect(await d.send('pásame con un agente')).toContain('handoff.queued');
  });

  it('R002-1: three answers in a row not understood hand off to a person, the last try offering the options with examples; an understood one starts the count again', async () => {
    const c = await atPowerCheck();
    expect(await c.send('¿mande?')).toEqual(['common.notUnderstood', 'technical.askPower']);
    expect(await c.send('mmm')).toEqual(['common.examples.yesNo', 'technical.askPower']);
    expect(await c.send('sí')).toEqual(['technical.askOn']); // understood: counting again
    expect(await c.send('???')).toEqual(['common.notUnderstood', 'technical.askOn']);
    expect(await c.send('ehh')).toEqual(['common.examples.yesNo', 'technical.askOn']);
    expect(handoffs(c)).toEqual([]);
    const keys = await c.send('hmm');
    expect(keys).toContain('common.notUnderstoodHandoff');
    expect(keys).toContain('handoff.queued');
    expect(keys).not.toContain('common.notUnderstood');
    expect(handoffs(c)).toEqual([expect.objectContaining({ reason: 'not-understood' })]);
  });

  it('issue 13: a list not understood twice is offered again with examples: its number or its words', async () => {
    const c = await atSeverity();
    await c.send('ehh');
    expect(await c.send('mmm no sé')).toEqual(['common.examples.choices', 'technical.askSeverity']);
    const text = createTranslator().render(c.reply('common.examples.choices')!, 'es').text;
    expect(text).toBe(
      `Puedes responder con el número o con palabras, por ejemplo: «1» o «${labelText('es', 'severity.critical.label')}».`,
    );
  });
});
