import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import {
  Conversation,
  atPowerCheck,
  atSeverity,
  VERIFIED_PHONE,
  atTriage,
  expectEmittedKeysTranslated,
} from './harness.ts';

afterAll(expectEmittedKeysTranslated);

const chatLimit = (c: Conversation) => c.send({ type: 'timer.chatLimit', at: c.now });

describe('fair use', () => {
  it('R001-8: offensive language (es, en, pt) is recorded and warned, then the same question is asked again', async () => {
    for (const insult of ['eres un idiota', 'you are stupid', 'vai se foder']) {
      const c = await atPowerCheck(VERIFIED_PHONE);
      const keys = await c.send(insult);
      expect(c.callsOf('recordAbuse'), insult).toMatchObject([
        { accountNumber: 'MX-1001', at: c.now, rule: 'R001-8', text: insult },
      ]);
      expect(keys, insult).toEqual(['fairUse.warning', 'technical.askPower']);
      // The conversation goes on where it was.
      expect(await c.send('sí')).toEqual(['technical.askOn']);
    }
  });

  it('R001-8, issue 12: the insults of a session that did not prove the account are warned but never counted against the account it named', async () => {
    const c = await atPowerCheck();
    expect(await c.send('eres un idiota')).toEqual(['fairUse.warning', 'technical.askPower']);
    expect(c.callsOf('recordAbuse')).toMatchObject([{ accountNumber: null, at: c.now }]);
  });

  it('R001-8: an insult inside an answer is not taken as the answer', async () => {
    const c = await atPowerCheck();
    await c.send('sí, idiota');
    expect(c.keys).not.toContain('technical.askOn');
    expect(c.question?.key).toBe('technical.askPower');
  });

  it('R001-8, R001-11: the breach is recorded against the person (the conversation and the network-verified phone) with the rule and the words', async () => {
    const c = await atPowerCheck(VERIFIED_PHONE);
    await c.send('pinche bot inútil');
    const [call] = c.callsOf('recordAbuse') as { conversationId: string; phone: string | null }[];
    expect(call).toMatchObject({
      rule: 'R001-8',
      text: 'pinche bot inútil',
      phone: VERIFIED_PHONE.input?.phone,
    });
    expect((call as unknown as { words: string[] }).words.sort()).toEqual(['inutil', 'pinche']);
    expect(call?.conversationId).toBeTruthy();
  });

  it("R001-11: the suspension names the policy's duration — hours, days, or permanent", async () => {
    for (const [hours, key, params] of [
      [24, 'fairUse.suspendedForDays', { days: 1 }],
      [72, 'fairUse.suspendedForDays', { days: 3 }],
      [36, 'fairUse.suspendedForHours', { hours: 36 }],
      [0, 'fairUse.suspendedPermanently', undefined],
    ] as const) {
      const policy = {
        ...DEFAULT_POLICY,
        fairUse: { ...DEFAULT_POLICY.fairUse, suspensionHours: hours },
      };
      const c = await atTriage({ suspendAtWarning: 1, policy });
      await c.send('eres un idiota');
      expect(c.keys, String(hours)).toContain(key);
      expect(c.reply(key)?.params, String(hours)).toEqual(params);
      expect(c.closedReason()).toBe('suspended');
    }
  });

  it('R001-11: a suspended person is told until when (or that it is permanent) and the session closes', async () => {
    const until = '2026-03-11T16:00:00.000Z';
    const c = new Conversation({ personSuspendedUntil: until });
    await c.send('MX-1001');
    expect(c.keys).toContain('fairUse.stillSuspended');
    expect(c.reply('fairUse.stillSuspended')?.params).toMatchObject({ until });
    expect(c.closedReason()).toBe('suspended');
    const d = new Conversation({ personSuspendedUntil: null });
    await d.send('MX-1001');
    expect(d.keys).toContain('fairUse.stillSuspendedPermanently');
    expect(d.closedReason()).toBe('suspended');
  });

  const previous = {
    accountNumber: 'MX-1001',
    contractNumber: null,
    contact: { name: 'Laura Méndez', phone: '+52 55 5555 0101', email: '' },
    language: 'es' as const,
    languageChosen: false,
    proof: null,
  };
  it.each([
    ['as a prospect', 'no soy cliente, quiero contratar el servicio', {}],
    ['as a prospect, in English', 'I am not a customer, I want to sign up', {}],
    ['asking for a person', 'quiero hablar con una persona', {}],
    ['asking for a person, in English', 'talk to a human please', {}],
    ['naming a language', 'english', {}],
    ['with a hello', 'hola', {}],
    ['with an account number', 'MX-1001', {}],
    ['as the customer of the session before', 'mi impresora no imprime', { previous }],
  ] as const)(
    'R001-11: a person suspended at session start is refused %s, before anything is asked or registered',
    async (_way, text, input) => {
      const until = '2026-03-11T16:00:00.000Z';
      const c = new Conversation({ input: { ...input, personSuspension: { until } } });
      expect(await c.send(text)).toEqual(['fairUse.stillSuspended']);
      expect(c.reply('fairUse.stillSuspended')?.params).toMatchObject({ until });
      expect(c.closedReason()).toBe('suspended');
      expect(c.calls.map((call) => call.name)).toEqual([]);
    },
  );

  it('R001-11: a person suspended for good at session start is told so, as a prospect too', async () => {
    const forGood = new Conversation({ input: { personSuspension: { until: null } } });
    expect(await forGood.send('no soy cliente')).toEqual(['fairUse.stillSuspendedPermanently']);
    expect(forGood.closedReason()).toBe('suspended');
  });

  it('R001-11: a person read at session start as not suspended is served, and identification does not read it again', async () => {
    const c = new Conversation({ input: { personSuspension: null } });
    await c.send('MX-1001');
    expect(c.keys).toContain('identification.askIsPrimary');
    expect(c.callsOf('findCustomer')).toEqual([{ by: 'account', value: 'MX-1001' }]);
    const prospect = new Conversation({ input: { personSuspension: null } });
    await prospect.send('no soy cliente, quiero contratar');
    expect(prospect.question?.key).toBe('prospect.askCountry');
  });

  it('R001-11: when recordAbuse says support is suspended, the suspension is told and the session ends', async () => {
    const c = await atTriage({ suspendAtWarning: 2 });
    await c.send('pendejo');
    expect(c.done).toBe(false);
    await c.send('pinche pendejo');
    expect(c.keys).toContain('fairUse.suspendedForDays');
    expect(c.closedReason()).toBe('suspended');
    expect(c.done).toBe(true);
  });

  it('R001-10: nonsense reports (no letters, keyboard mash, repeated characters) are flagged and re-asked', async () => {
    const atDescription = async () => {
      const c = await atSeverity();
      await c.say('alta', 'alta', 'El servidor de facturación no responde');
      expect(c.question?.key).toBe('technical.askDescription');
      return c;
    };
    for (const pair of [
      ['asdfgh', '!!! ???'],
      ['aaaaaaaaaa', 'qwerty qwerty'],
      ['🙂🙂🙂', 'zzzzzzzz'],
    ]) {
      const c = await atDescription();
      for (const nonsense of pair) {
        expect(await c.send(nonsense), nonsense).toEqual([
          'fairUse.nonsense',
          'technical.askDescription',
        ]);
      }
      expect(c.callsOf('openCase')).toHaveLength(0);
      await c.send('La aplicación muestra el error 500 al guardar facturas');
      expect(c.question?.key).toBe('technical.askSteps');
    }
  });

  it('R001-10: a folio, a phone or a number given as a description is asked again in words, never called nonsense', async () => {
    const c = await atSeverity();
    await c.say('alta', 'alta');
    // Two, not three: a third miss in a row hands the customer to a person.
    for (const data of ['AT-2026-000001-V1', '55 5555 0101']) {
      expect(await c.send(data), data).toEqual(['fairUse.needsWords', 'technical.askSubject']);
      expect(c.keys, data).not.toContain('fairUse.nonsense');
    }
    await c.send('El folio AT-2026-000001-V1 no se puede consultar');
    expect(c.question?.key).toBe('technical.askDescription');
    await c.send('1000000');
    expect(c.keys.at(-2)).toBe('fairUse.needsWords');
  });

  it('R001-8: an interjection aimed at nobody is no warning and the answer is read', async () => {
    const c = await atPowerCheck(VERIFIED_PHONE);
    expect(await c.send('¡carajo, otra vez se cayó! sí tiene luz')).not.toContain(
      'fairUse.warning',
    );
    expect(c.callsOf('recordAbuse')).toHaveLength(0);
    const d = await atPowerCheck(VERIFIED_PHONE);
    expect(await d.send('sí, puta madre')).toEqual(['technical.askOn']);
    expect(d.callsOf('recordAbuse')).toHaveLength(0);
  });

  it('R001-8: an insult aimed at the bot is the warning ("eres una estúpida", "pinche bot inútil")', async () => {
    for (const insult of ['eres una estúpida', 'pinche bot inútil', 'estuuupida']) {
      const c = await atPowerCheck(VERIFIED_PHONE);
      expect(await c.send(insult), insult).toEqual(['fairUse.warning', 'technical.askPower']);
    }
  });

  it('R001-7: at the chat limit the conversation continues as a ticket with the transcript and closes', async () => {
    const c = await atSeverity();
    const keys = await chatLimit(c);
    expect(keys).toEqual(['chatLimit.reached', 'chatLimit.ticketOpened']);
    expect(c.callsOf('openCase')[0]).toMatchObject({
      includeTranscript: true,
      type: 'technical-fault',
      equipmentSerial: 'SRV-MX-0001',
    });
    expect(c.reply('chatLimit.ticketOpened')?.params).toMatchObject({
      caseNumber: 'AT-2026-000001',
      timeZone: 'America/Mexico_City',
    });
    expect(c.closedReason()).toBe('chat-limit');
    expect(c.done).toBe(true);
  });

  it("R001-7: before anything is known the ticket's type is 'other'; a case already opened is not opened twice", async () => {
    const c = new Conversation();
    await c.send('hola');
    await chatLimit(c);
    expect(c.callsOf('openCase')[0]).toMatchObject({ type: 'other', includeTranscript: true });

    const d = await atTriage();
    await d.say('duda', 'Quiero saber si el soporte incluye sábados');
    await chatLimit(d);
    expect(d.callsOf('openCase')).toHaveLength(1);
    expect(d.reply('chatLimit.continuesInCase')?.params).toEqual({ caseNumber: 'AT-2026-000001' });
    expect(d.closedReason()).toBe('chat-limit');
  });

  it('hand-off: a person is requested, the conversation waits queued, and resumes at triage on release', async () => {
    const c = await atTriage();
    await c.send('Hablar con una persona');
    expect(c.emitted.find((e) => e.type === 'handoff')).toEqual({
      type: 'handoff',
      reason: 'customer-request',
      level: 'L1',
      priority: 'P4',
      caseNumber: null,
    });
    expect(await c.send('¿hola?')).toEqual(['handoff.stillQueued']);
    expect(c.emitted.filter((e) => e.type === 'handoff')).toHaveLength(1);
    await c.send({ type: 'agent.release', at: c.now });
    expect(c.question?.key).toBe('triage.ask');
  });

  it('R002-8: an agent who closed the case gives the conversation back and the survey of that case follows', async () => {
    const c = await atTriage();
    await c.send('Hablar con una persona');
    await c.send({
      type: 'agent.release',
      at: c.now,
      caseNumber: 'AT-2026-000042' as CaseNumber,
      closed: true,
    });
    expect(c.question?.key).toBe('survey.askScore');
    await c.send('5');
    await c.send({ choice: 'skip' });
    expect(c.callsOf('recordSurvey')).toEqual([
      expect.objectContaining({ caseNumber: 'AT-2026-000042', score: 5 }),
    ]);
  });

  it("R002-1: asking for a person also tells the contact-centre phone of the customer's country", async () => {
    const c = await atTriage();
    const keys = await c.send('Hablar con una persona');
    expect(keys).toContain('handoff.contactCentre');
    expect(c.reply('handoff.contactCentre')?.params).toEqual({ phone: '+52 55 5000 0000' });

    const co = new Conversation();
    await co.say('CO-2001', { choice: 'yes' }, 'Hablar con una persona');
    expect(co.reply('handoff.contactCentre')?.params).toEqual({ phone: '+57 601 500 0000' });

    const en = new Conversation();
    await en.say('English', 'CO-2001', { choice: 'yes' }, { choice: 'person' });
    expect(en.reply('handoff.contactCentre')?.params).toEqual({ phone: '+57 601 500 0000' });
  });

  it('R002-1: with the country unknown no contact-centre phone is told', async () => {
    const c = new Conversation();
    await c.say('ZZ-9999', 'hablar con una persona');
    expect(c.emitted.find((e) => e.type === 'handoff')).toBeDefined();
    expect(c.keys).not.toContain('handoff.contactCentre');
  });

  it('hand-off: a failing service hands the conversation to a person instead of crashing', async () => {
    const c = await atTriage({
      ...VERIFIED_PHONE,
      services: { listOpenCases: async () => Promise.reject(new Error('db down')) },
    });
    await c.send('seguimiento');
    expect(c.keys).toContain('common.serviceUnavailable');
    expect(c.emitted.find((e) => e.type === 'handoff')).toMatchObject({ reason: 'service-error' });
  });
});
