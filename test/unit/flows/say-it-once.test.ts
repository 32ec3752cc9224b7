/**
 * Issue 13, "say it once": what the customer says before being identified is read as the
 * triage answer once they are, the same way an answer typed at triage is; understood, it is
 * confirmed ("¿se trata de «Falla técnica»?") and its flow starts without the menu, and a
 * message that describes the request is its description. A new matter after a finished one
 * starts at triage, not at identification.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Conversation, expectEmittedKeysTranslated } from './harness.ts';

afterAll(expectEmittedKeysTranslated);

describe('say it once (issue 13)', () => {
  it('the first message names the request: after identification it is confirmed and its flow starts, no menu', async () => {
    const c = new Conversation();
    expect(await c.send('falla técnica')).toEqual([
      'welcome.greeting',
      'identification.askIdentifier',
    ]);
    await c.send('MX-1001');
    const keys = await c.send({ choice: 'yes' });
    expect(keys).toEqual(['identification.welcome', 'triage.confirmKept']);
    expect(c.reply('triage.confirmKept')?.params).toMatchObject({ intent: 'technical' });
    expect(await c.send('sí')).toEqual(['technical.askCategory']);
    expect(c.keys).not.toContain('triage.ask');
  });

  it('a reading of the first message the customer denies registers nothing: the menu is asked', async () => {
    const c = new Conversation();
    await c.send('MX-1001, consulta sobre mi plan: ¿incluye soporte en sábado?');
    await c.send({ choice: 'yes' });
    expect(await c.send('no')).toEqual(['triage.ask']);
    expect(c.callsOf('openCase')).toHaveLength(0);
    expect(await c.send({ choice: 'doubt' })).toEqual(['request.askDescription']);
  });

  it('a request typed instead of the identifier is kept, and becomes the case description (R001-4)', async () => {
    const c = new Conversation();
    await c.send('Hola');
    const text = 'consulta sobre mi plan: ¿incluye soporte en sábado?';
    expect(await c.send(text)).toEqual([
      'identification.notUnderstood',
      'identification.askIdentifier',
    ]);
    await c.send('MX-1001');
    const keys = await c.send({ choice: 'yes' });
    expect(keys).toEqual(['identification.welcome', 'triage.confirmKept']);
    expect(await c.send('sí')).toEqual(['request.registered', 'common.askAnythingElse']);
    expect(c.callsOf('openCase')[0]).toMatchObject({ type: 'doubt', description: text });
  });

  it('an identifier in the first message is for identification: the rest is the request', async () => {
    const c = new Conversation();
    await c.send('MX-1001, consulta sobre mi plan: ¿incluye soporte en sábado?');
    await c.send({ choice: 'yes' });
    await c.send('sí');
    expect(c.callsOf('openCase')[0]).toMatchObject({
      type: 'doubt',
      description: 'consulta sobre mi plan: ¿incluye soporte en sábado?',
    });
  });

  it('a fault the first message described is the case subject and description: only the steps are asked', async () => {
    const c = new Conversation();
    const fault = 'falla técnica: el servidor de facturación no responde desde las 8';
    await c.send(`MX-1001 ${fault}`);
    await c.send({ choice: 'yes' });
    // Issue 13: "el servidor" named the platform: not asked.
    expect(await c.send('sí')).toEqual(['said.category', 'technical.askEquipment']);
    await c.say({ choice: 'SRV-MX-0001' }, { choice: 'yes' });
    await c.say({ choice: 'yes' }, { choice: 'yes' }, { choice: 'yes' }, { choice: 'done' });
    await c.say({ choice: 'no' }, 'alta');
    expect(await c.send('alta')).toEqual(['technical.askSteps']);
    await c.say('omitir', 'omitir');
    expect(c.callsOf('openCase')[0]).toMatchObject({ subject: fault });
    expect(String((c.callsOf('openCase')[0] as { description: string }).description)).toContain(
      fault,
    );
  });

  it('the words that only say who is writing are not part of the request ("Mi cuenta es …")', async () => {
    const c = new Conversation();
    await c.send(
      'Buenas, consulta sobre mi plan: ¿incluye soporte en sábado? Mi cuenta es MX-1001',
    );
    await c.send({ choice: 'yes' });
    await c.send('sí');
    expect(c.callsOf('openCase')[0]).toMatchObject({
      type: 'doubt',
      description: 'consulta sobre mi plan: ¿incluye soporte en sábado?',
    });
  });

  it('a first message that is not understood leaves triage as it was: the menu is asked', async () => {
    const c = new Conversation();
    await c.send('Hola, mi cuenta es MX-1001');
    expect(await c.send({ choice: 'yes' })).toEqual(['identification.welcome', 'triage.ask']);
  });

  it('the kept message is read once: a second matter is asked at triage, without identifying again', async () => {
    const c = new Conversation();
    await c.send('consulta sobre mi plan: ¿incluye soporte en sábado?');
    await c.send('MX-1001');
    await c.send({ choice: 'yes' });
    await c.send('sí');
    expect(c.question?.key).toBe('common.askAnythingElse');
    expect(await c.send('sí')).toEqual(['triage.ask']);
    expect(await c.send({ choice: 'doubt' })).toEqual(['request.askDescription']);
    expect(c.callsOf('findCustomer')).toHaveLength(1);
  });
});

describe('a session after a finished one (issue 13)', () => {
  const previous = {
    accountNumber: 'MX-1001',
    contractNumber: 'CT-MX-2024-001',
    // Not the primary contact: asked name, e-mail and phone the first time.
    contact: { name: 'Pedro Sánchez', email: 'pedro@delvalle.example', phone: '5512345678' },
    language: 'es' as const,
    languageChosen: false,
    proof: null,
  };

  it('is not identified again: the account is looked up anew, the contact kept, the first message read at triage', async () => {
    const c = new Conversation({ input: { previous } });
    const keys = await c.send('falla técnica');
    expect(keys).toEqual(['identification.welcome', 'triage.confirmKept']);
    expect(c.reply('identification.welcome')?.params).toMatchObject({ name: 'Pedro' });
    expect(c.callsOf('findCustomer')).toEqual([
      expect.objectContaining({ by: 'account', value: 'MX-1001' }),
    ]);
    expect(c.keys).not.toContain('contact.askName');
  });

  it('R001-11: the standing is checked again — a customer suspended since is not served', async () => {
    const c = new Conversation({
      input: { previous: { ...previous, accountNumber: 'VE-3001' } },
    });
    expect(await c.send('hola')).toEqual(['identification.suspended']);
  });

  it('issue 12: a proof carried over proves the account; none carried asks for the code', async () => {
    const proven = new Conversation({
      input: {
        previous: {
          ...previous,
          proof: { accountNumber: 'MX-1001', by: 'code' as const, at: '2026-03-02T15:50:00.000Z' },
        },
      },
    });
    await proven.send('hola');
    expect(await proven.send({ choice: 'followUp' })).not.toContain('proof.askCode');
    const unproven = new Conversation({ input: { previous } });
    await unproven.send('hola');
    expect(await unproven.send({ choice: 'followUp' })).toContain('proof.askCode');
  });
});
