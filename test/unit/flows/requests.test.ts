import { afterAll, describe, expect, it } from 'vitest';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import {
  Conversation,
  T0,
  atTriage,
  expectEmittedKeysTranslated,
  openCase,
  proveAccount,
} from './harness.ts';

afterAll(expectEmittedKeysTranslated);

describe('doubts, complaints, invoices (R004-4, R004-2)', () => {
  it('R004-4: a doubt is registered for customer service and its number told', async () => {
    const c = await atTriage();
    await c.send('duda');
    expect(c.question?.key).toBe('request.askDescription');
    await c.send('¿Mi plan incluye soporte en sábado?');
    expect(c.callsOf('openCase')[0]).toMatchObject({
      type: 'doubt',
      area: 'customer-service',
      description: '¿Mi plan incluye soporte en sábado?',
    });
    expect(c.reply('request.registered')?.params).toMatchObject({
      caseNumber: 'AT-2026-000001',
      area: 'customer-service',
    });
  });

  it('R004-7: "something else" asks for a description, opens an "other" case for customer service and tells its number', async () => {
    const c = await atTriage();
    const other = c.question?.choices?.find((x) => x.id === 'other');
    expect(other?.key).toBe('triage.option.other');
    await c.send('Otra cosa');
    expect(c.question?.key).toBe('request.askDescription');
    await c.send('Quiero cambiar el correo de las notificaciones de la cuenta');
    expect(c.callsOf('openCase')).toHaveLength(1);
    expect(c.callsOf('openCase')[0]).toMatchObject({
      type: 'other',
      area: 'customer-service',
      description: 'Quiero cambiar el correo de las notificaciones de la cuenta',
    });
    expect(c.reply('request.registered')?.params).toMatchObject({
      caseNumber: 'AT-2026-000001',
      area: 'customer-service',
    });
    expect(c.question?.key).toBe('common.askAnythingElse');
  });

  it('R004-4: claims for undue charges or missing service go to administration; other complaints to customer service', async () => {
    for (const [kind, type, area] of [
      ['undueCharge', 'claim', 'administration'],
      ['missingService', 'claim', 'administration'],
      ['otherComplaint', 'complaint', 'customer-service'],
    ] as const) {
      const c = await atTriage();
      await c.say(
        { choice: 'complaint' },
        { choice: kind },
        'Me cobraron dos veces la mensualidad de marzo',
      );
      expect(c.callsOf('openCase')[0], kind).toMatchObject({ type, area });
    }
  });

  it('R004-4: invoices and balances are sent by the channel the customer chooses', async () => {
    const c = await atTriage();
    await c.send({ choice: 'invoice' });
    await proveAccount(c);
    await c.send('Necesito la factura de febrero');
    expect(c.question?.key).toBe('invoice.askChannel');
    await c.send('WhatsApp');
    const input = c.callsOf('openCase')[0];
    expect(input).toMatchObject({ type: 'invoice', area: 'administration' });
    expect(input?.description).toContain('whatsapp');
  });

  it('R004-2: each request is routed to its area', async () => {
    const areas: string[] = [];
    for (const [choice, extra] of [
      ['doubt', []],
      ['invoice', [{ choice: 'email' }]],
    ] as const) {
      const c = await atTriage();
      await c.send({ choice });
      if (choice === 'invoice') await proveAccount(c);
      await c.say('Quiero saber el saldo de mi cuenta', ...extra);
      areas.push(c.callsOf('openCase')[0]?.area ?? '');
    }
    expect(areas).toEqual(['customer-service', 'administration']);
  });
});

describe('cancellation (R004-5)', () => {
  it('R004-5: confirms, registers the cancellation on the notice date and says all areas are told', async () => {
    const c = await atTriage();
    await c.send('cancelar');
    await proveAccount(c);
    expect(c.question?.key).toBe('cancellation.askConfirm');
    await c.send('sí');
    const call = c.callsOf('registerCancellation')[0];
    expect(call).toMatchObject({ accountNumber: 'MX-1001', contractNumber: 'CT-MX-2024-001' });
    expect(call?.noticeAt).toBe(c.now);
    expect(c.reply('cancellation.registered')?.params).toEqual({
      caseNumber: 'AT-2026-000900',
      contractNumber: 'CT-MX-2024-001',
      noticeAt: c.now,
      timeZone: 'America/Mexico_City',
    });
    // Issue 13: a finished request asks "¿algo más?"; "no" ends the session.
    expect(c.question?.key).toBe('common.askAnythingElse');
    await c.send('no');
    expect(c.closedReason()).toBe('done');
  });

  it('R004-5: "no" keeps the contract', async () => {
    const c = await atTriage();
    await c.send('cancelar');
    await proveAccount(c);
    await c.send('no');
    expect(c.callsOf('registerCancellation')).toHaveLength(0);
    expect(c.keys).toContain('cancellation.kept');
  });
});

describe('prospects (R004-6)', () => {
  it('R004-6: asks the country and address, checks coverage, and registers the contact for sales', async () => {
    const c = new Conversation();
    await c.say('ZZ-1', 'soy nuevo');
    // "ZZ-1" is looked up as an account and not found: the prospect path starts.
    expect(c.question?.key).toBe('prospect.askCountry');
    await c.send('México');
    await c.send('Av. Reforma 222, CP 06600, Ciudad de México');
    expect(c.callsOf('checkCoverage')).toEqual([
      { country: 'MX', address: 'Av. Reforma 222, CP 06600, Ciudad de México' },
    ]);
    expect(c.keys).toContain('prospect.covered');
    await c.say('Rosa Díaz', 'rosa@nueva.example', '+52 55 4444 3333');
    expect(c.callsOf('openCase')[0]).toMatchObject({
      type: 'prospect',
      area: 'sales',
      contact: { name: 'Rosa Díaz', email: 'rosa@nueva.example', phone: '525544443333' },
    });
    expect(c.keys).toContain('prospect.registered');
  });

  it('R004-6: without coverage the contact is still registered, for the technical area to check', async () => {
    const c = new Conversation();
    await c.say('ZZ-1', { choice: 'newCustomer' }, { choice: 'CO' }, 'Carrera 7 #45, Tunja');
    expect(c.keys).toContain('prospect.notCovered');
    await c.say('Rosa Díaz', 'rosa@nueva.example', '+57 300 444 3333');
    expect(c.callsOf('openCase')[0]).toMatchObject({
      type: 'prospect',
      area: 'technical',
      country: 'CO',
    });
  });

  it('R004-6: an existing customer asking for a new service is not asked what the record knows', async () => {
    const c = await atTriage();
    await c.send({ choice: 'newService' });
    expect(c.question?.key).toBe('prospect.askAddress');
    await c.send('Calle Durango 10, CP 06600, CDMX');
    expect(c.keys).not.toContain('contact.askName');
    expect(c.callsOf('openCase')[0]).toMatchObject({
      type: 'prospect',
      area: 'sales',
      accountNumber: 'MX-1001',
    });
  });
});

describe('follow-up (R001-6, R001-9)', () => {
  it('R001-6: says when there are no open cases', async () => {
    const c = await atTriage({ openCases: [] });
    await c.send('seguimiento');
    await proveAccount(c);
    expect(c.keys).toContain('followUp.none');
    expect(c.callsOf('recordFollowUp')).toHaveLength(0);
  });

  it('R001-6: before 40 minutes since the last contact, explains the rule and the minutes left', async () => {
    const c = await atTriage({ openCases: [openCase()] });
    await c.send({ choice: 'followUp' });
    await proveAccount(c);
    expect(c.reply('followUp.status')?.params).toMatchObject({
      caseNumber: 'AT-2026-000050',
      status: 'in-progress',
      timeZone: 'America/Mexico_City',
    });
    // T0 + 4 minutes (the code typed took one); last contact at T0 - 10 min → 14 minutes
    // passed, 26 left.
    expect(c.reply('followUp.tooSoon')?.params).toEqual({ minutesLeft: 26, waitMinutes: 40 });
    expect(c.callsOf('recordFollowUp')).toHaveLength(0);
    expect(Date.parse(c.now) - Date.parse(T0)).toBe(4 * 60_000);
  });

  it('R001-6: after 40 minutes, records the follow-up and says it is being followed', async () => {
    const c = await atTriage({
      openCases: [openCase({ lastContactAt: '2026-03-02T15:00:00.000Z' })],
    });
    await c.send({ choice: 'followUp' });
    await proveAccount(c);
    expect(c.callsOf('recordFollowUp')).toEqual([
      { caseNumber: 'AT-2026-000050', at: c.now, pressing: false },
    ]);
    expect(c.keys).toContain('followUp.recorded');
  });

  it('R001-6: with several open cases, asks which one', async () => {
    const c = await atTriage({
      openCases: [
        openCase({ lastContactAt: '2026-03-02T10:00:00.000Z' }),
        openCase({ number: 'AT-2026-000051' as CaseNumber, subject: 'Impresora' }),
      ],
    });
    await c.send({ choice: 'followUp' });
    await proveAccount(c);
    expect(c.question?.key).toBe('followUp.askCase');
    await c.send('1');
    expect(c.callsOf('recordFollowUp')[0]?.caseNumber).toBe('AT-2026-000050');
  });

  it('R001-9: pressing again before the wait after being told it is followed is warned and recorded as pressing', async () => {
    const c = await atTriage({
      openCases: [
        openCase({
          lastContactAt: '2026-03-02T15:00:00.000Z',
          followUpToldAt: '2026-03-02T15:55:00.000Z',
        }),
      ],
    });
    await c.send({ choice: 'followUp' });
    await proveAccount(c);
    expect(c.keys).toContain('followUp.pressingWarning');
    expect(c.callsOf('recordFollowUp')).toEqual([
      { caseNumber: 'AT-2026-000050', at: c.now, pressing: true },
    ]);
  });
});
