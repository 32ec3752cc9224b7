import { afterAll, describe, expect, it } from 'vitest';
import { Conversation, atTriage, expectEmittedKeysTranslated } from './harness.ts';

afterAll(expectEmittedKeysTranslated);

describe('identification', () => {
  it('R004-1: asks for the account number, looks it up, and uses a number given in the first message', async () => {
    const c = new Conversation();
    expect(await c.send('Hola')).toEqual(['welcome.greeting', 'identification.askIdentifier']);
    expect(c.callsOf('findCustomer')).toHaveLength(0);
    await c.send('mi contrato es CT-MX-2024-001');
    expect(c.callsOf('findCustomer')).toMatchObject([{ by: 'account', value: 'CT-MX-2024-001' }]);

    const d = new Conversation();
    await d.send('Buenas, soy de la cuenta mx-1001 y tengo una falla');
    expect(d.callsOf('findCustomer')).toMatchObject([{ by: 'account', value: 'MX-1001' }]);
    expect(d.question?.key).toBe('identification.askIsPrimary');
  });

  it('R004-1: accepts an e-mail or a phone, and the identified contact carries number, e-mail and phone', async () => {
    const c = new Conversation();
    await c.send('LAURA.MENDEZ@delvalle.example');
    expect(c.callsOf('findCustomer')).toMatchObject([
      { by: 'email', value: 'laura.mendez@delvalle.example' },
    ]);
    // The record answers who is talking: no question about it.
    expect(c.question?.key).toBe('triage.ask');
    const identified = c.emitted.find((e) => e.type === 'identified');
    expect(identified).toEqual({
      type: 'identified',
      accountNumber: 'MX-1001',
      contact: {
        name: 'Laura Méndez',
        phone: '+52 55 5555 0101',
        email: 'laura.mendez@delvalle.example',
      },
    });

    const d = new Conversation();
    await d.send('+52 1 33 3333 0202');
    expect(d.callsOf('findCustomer')[0]).toMatchObject({ by: 'phone', value: '523333330202' });
    expect(d.question?.key).toBe('triage.ask');
  });

  it('R004-1: a contact who is not the primary gives name, e-mail and phone (validated)', async () => {
    const c = new Conversation();
    await c.say('MX-1001', { choice: 'no' });
    expect(c.question?.key).toBe('contact.askName');
    await c.send('Pedro Sánchez');
    expect(c.question?.key).toBe('contact.askEmail');
    expect(await c.send('no-es-un-correo')).toEqual(['contact.invalidEmail', 'contact.askEmail']);
    await c.send('pedro@delvalle.example');
    expect(c.question?.key).toBe('contact.askPhone');
    expect(await c.send('123')).toEqual(['contact.invalidPhone', 'contact.askPhone']);
    await c.send('55 1234 5678');
    expect(c.question?.key).toBe('triage.ask');
    const identified = c.emitted.find((e) => e.type === 'identified');
    expect(identified).toMatchObject({
      contact: { name: 'Pedro Sánchez', email: 'pedro@delvalle.example', phone: '5512345678' },
    });
  });

  it('R004-1: the network phone is used instead of asking it', async () => {
    const c = new Conversation({ input: { phone: '+52 55 9999 8888', channel: 'http-json' } });
    await c.say('MX-1001', { choice: 'no' }, 'Pedro Sánchez', 'pedro@delvalle.example');
    expect(c.keys).not.toContain('contact.askPhone');
    expect(c.question?.key).toBe('triage.ask');
  });

  it('R004-1: an unknown number offers retry, new customer (prospect) or a person', async () => {
    const c = new Conversation();
    const keys = await c.send('ZZ-9999');
    expect(keys).toEqual([
      'welcome.greeting',
      'identification.notFound',
      'identification.unknown.ask',
    ]);
    expect(c.question?.choices?.map((x) => x.id)).toEqual(['retry', 'newCustomer', 'person']);
    await c.send({ choice: 'retry' });
    expect(c.question?.key).toBe('identification.askIdentifier');
    await c.send('ZZ-9998');
    await c.send('2');
    expect(c.question?.key).toBe('prospect.askCountry');
    const d = new Conversation();
    await d.say('ZZ-9999', 'hablar con una persona');
    expect(d.emitted.find((e) => e.type === 'handoff')).toMatchObject({
      reason: 'unknown-customer',
      level: 'L1',
    });
  });

  it('R000-7: a contact who is not a named person may consult but not request a service, and is offered a person', async () => {
    const c = new Conversation();
    await c.say(
      'MX-1002',
      { choice: 'no' },
      'Pedro Sánchez',
      'pedro@santarita.example',
      '55 1234 5678',
    );
    expect(c.keys).toContain('identification.notAuthorised');
    const ids = c.question?.choices?.map((x) => x.id);
    expect(ids).toEqual(['doubt', 'invoice', 'followUp', 'person']);
    expect(ids).not.toContain('technical');
    // Typing a service request is not accepted either.
    expect(await c.send('Falla técnica')).toEqual(['common.notUnderstood', 'triage.ask']);
  });

  it('R000-7: a named authorised person (matched by normalised e-mail or phone) may request services', async () => {
    const c = new Conversation();
    await c.say('MX-1002', { choice: 'no' }, 'Ana', 'ANA@SantaRita.example', '+52 33 3333 0203');
    expect(c.keys).not.toContain('identification.notAuthorised');
    expect(c.question?.choices?.map((x) => x.id)).toContain('technical');
    expect(c.emitted.find((e) => e.type === 'identified')).toMatchObject({
      contact: { name: 'Ana Torres', email: 'ana@santarita.example' },
    });
    const d = new Conversation();
    await d.send('5233 3333 0203');
    expect(d.keys).not.toContain('identification.notAuthorised');
    expect(d.question?.choices?.map((x) => x.id)).toContain('technical');
  });

  it('R003-1: a distributor customer is told the distributor channels and the session ends', async () => {
    const c = new Conversation();
    await c.send('MX-1003');
    expect(c.reply('identification.servedByDistributor')?.params).toEqual({
      name: 'TecnoNorte',
      phone: '+52 81 8181 0300',
      email: 'soporte@tecnonorte.example',
    });
    expect(c.closedReason()).toBe('done');
    expect(c.done).toBe(true);
    expect(c.keys).not.toContain('triage.ask');
  });

  it('R003-7: payments not up to date are told and only limited help is offered', async () => {
    const c = new Conversation();
    await c.say('CO-2001', { choice: 'yes' });
    expect(c.keys).toContain('identification.paymentsPending');
    const ids = c.question?.choices?.map((x) => x.id) ?? [];
    expect(ids).toContain('invoice');
    expect(ids).toContain('doubt');
    expect(ids).not.toContain('technical');
    expect(ids).not.toContain('newService');
  });

  it('R001-11: a suspended customer is told and the session closes as suspended', async () => {
    const c = new Conversation();
    await c.send('VE-3001');
    expect(c.keys).toContain('identification.suspended');
    expect(c.closedReason()).toBe('suspended');
    expect(c.done).toBe(true);
  });

  it('language: the record language is announced after identification', async () => {
    const c = new Conversation();
    await c.send('BR-4001');
    expect(c.emitted.find((e) => e.type === 'language')).toEqual({
      type: 'language',
      language: 'pt',
    });
  });

  it('language: the customer may choose English / Português / Español, by choice or by word', async () => {
    const c = new Conversation({ input: { localeHint: 'es' } });
    await c.send('Hola');
    expect(c.question?.choices?.map((x) => x.key)).toEqual([
      'language.en',
      'language.pt',
      'language.es',
    ]);
    await c.send('English');
    expect(c.emitted.filter((e) => e.type === 'language')).toEqual([
      { type: 'language', language: 'en' },
    ]);
    expect(c.question?.key).toBe('identification.askIdentifier');
    // A chosen language wins over the record's.
    await c.say('BR-4001', 'yes');
    expect(c.emitted.filter((e) => e.type === 'language')).toEqual([
      { type: 'language', language: 'en' },
    ]);
    expect(c.question?.key).toBe('triage.ask');

    const d = new Conversation();
    await d.send({ choice: 'lang.pt' });
    expect(d.emitted.find((e) => e.type === 'language')).toEqual({
      type: 'language',
      language: 'pt',
    });
    const e = new Conversation();
    await e.say('hola', '2');
    expect(e.emitted.find((x) => x.type === 'language')).toEqual({
      type: 'language',
      language: 'pt',
    });
  });

  it('R004-1: "sí" / "si" / "claro" / "1" confirm the primary contact', async () => {
    for (const yes of ['sí', 'si', 'Claro', '1', 'SÍ, soy yo']) {
      const c = await atTriage();
      expect(c.question?.key, yes).toBe('triage.ask');
      const d = new Conversation();
      await d.say('MX-1001', yes);
      expect(d.question?.key, yes).toBe('triage.ask');
    }
  });
});
