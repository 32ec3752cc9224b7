import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, priorityFromSeverityUrgency } from '../../../src/domain/policy/index.ts';
import type { OpenCaseInput } from '../../../src/flows/index.ts';
import { atPowerCheck, atSeverity, atTriage, expectEmittedKeysTranslated } from './harness.ts';
import type { Conversation, Options } from './harness.ts';

afterAll(expectEmittedKeysTranslated);

/** From severity to the visit slot question, with an attachment. */
async function toSlots(c: Conversation): Promise<void> {
  await c.say({ choice: 'high' }, { choice: 'critical' });
  await c.send('El servidor no arranca y muestra error de disco');
  await c.send(
    'Desde el lunes, el servidor se reinicia solo y muestra "disk failure" en la consola.',
  );
  await c.send('Encenderlo y esperar dos minutos');
  await c.send({
    text: '',
    attachments: [{ name: 'error.png', contentType: 'image/png', url: 'https://files/1' }],
  });
  await c.send({ choice: 'done' });
}

async function fullVisit(options: Options = {}): Promise<Conversation> {
  const c = await atSeverity(options);
  await toSlots(c);
  await c.say({ choice: 'slot-2' }, { choice: 'me' });
  return c;
}

/** A software fault on the printer's PC, first level run until the verification fails. */
async function atFailedVerification(category: string): Promise<Conversation> {
  const c = await atTriage();
  await c.say(
    { choice: 'technical' },
    { choice: category },
    { choice: 'PRN-MX-0002' },
    { choice: 'yes' },
    { choice: 'yes' },
    { choice: 'yes' },
    { choice: 'yes' },
    { choice: 'done' },
  );
  expect(c.question?.key).toBe('technical.askWorksNow');
  await c.send({ choice: 'no' });
  return c;
}

/** From severity to the opened case (no attachments), for the case description. */
async function toOpenedCase(c: Conversation): Promise<OpenCaseInput> {
  await c.say(
    'media',
    'media',
    'El sistema de facturación no abre',
    'Al abrirlo aparece el error 0x80070005 desde ayer',
    'omitir',
    'omitir',
  );
  const input = c.callsOf('openCase')[0];
  expect(input).toBeDefined();
  return input as OpenCaseInput;
}

describe('technical first level', () => {
  it('R004-3: asks for power, then on, then restart, verifies, opens the case, proposes slots and opens a folio, in that order', async () => {
    const c = await fullVisit();
    const order = [
      'technical.askPower',
      'technical.askOn',
      'technical.askRestart',
      'technical.askWorksNow',
      'case.opened',
      'visit.askSlot',
      'visit.folioConfirmed',
    ].map((k) => c.keys.indexOf(k));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(c.calls.map((x) => x.name)).toEqual([
      'findCustomer',
      // R001-5 (issue 13): an open case of the same matter, looked for once the server is known.
      'openCaseOfMatter',
      'openCase',
      'officeHours',
      'proposeVisitSlots',
      'openFolio',
    ]);
    const folio = c.callsOf('openFolio')[0];
    expect(folio).toMatchObject({
      caseNumber: 'AT-2026-000001',
      slot: { id: 'slot-2' },
      attendant: 'Laura Méndez',
    });
    expect(c.reply('visit.folioConfirmed')?.params).toMatchObject({
      folioNumber: 'FO-0001',
      timeZone: 'America/Mexico_City',
    });
    // Issue 13: a finished request asks "¿algo más?"; "no" ends the session.
    expect(c.question?.key).toBe('common.askAnythingElse');
    await c.send('no');
    expect(c.closedReason()).toBe('done');
  });

  it('R004-3: no power → asks to plug it in and asks again; off → asks to turn it on and checks again', async () => {
    const c = await atPowerCheck();
    expect(await c.send('no')).toEqual(['technical.askPlugIn']);
    expect(await c.send('todavía no')).toEqual(['common.takeYourTime']);
    expect(await c.send('listo')).toEqual(['technical.askPower']);
    expect(await c.send('sí')).toEqual(['technical.askOn']);
    expect(await c.send('no')).toEqual(['technical.askTurnOn']);
    expect(await c.send('ya')).toEqual(['technical.askOn']);
    expect(await c.send('si')).toEqual(['technical.askRestart']);
    expect(await c.send('aún no')).toEqual(['common.takeYourTime']);
    expect(await c.send('listo')).toEqual(['technical.askWorksNow']);
  });

  it('R004-3: a step reported in the customer\'s words — done without "listo", not yet without "todavía" — in es, en and pt', async () => {
    for (const [language, notYet, done] of [
      ['es', 'ahorita lo hago', 'desconecté y volví a conectar'],
      ['es', 'voy a hacerlo', 'lo apagué y lo volví a prender'],
      ['en', 'gonna do it now', 'I turned it off and on again'],
      ['pt', 'vou fazer', 'já desliguei e liguei'],
    ] as const) {
      const c = await atPowerCheck({ input: { localeHint: language } });
      expect(await c.say('sí', 'sí'), done).toEqual(['technical.askRestart']);
      expect(await c.send(notYet), notYet).toEqual(['common.takeYourTime']);
      expect(await c.send(done), done).toEqual(['technical.askWorksNow']);
    }
    // The result said after the step is about the result: the step was done.
    const c = await atPowerCheck();
    await c.say('sí', 'sí');
    expect(await c.send('no lo he reiniciado')).toEqual(['common.takeYourTime']);
    expect(await c.send('ya lo reinicié pero sigue sin funcionar')).toEqual([
      'technical.askWorksNow',
    ]);
  });

  it('R004-3: solved at first level → case opened, closed as solved at first level once confirmed, then the survey', async () => {
    const c = await atPowerCheck();
    await c.say('sí', 'sí', 'listo', 'sí', 'sí');
    const opened = c.callsOf('openCase')[0];
    expect(opened).toMatchObject({
      solvedAtFirstLevel: false,
      type: 'technical-fault',
      equipmentSerial: 'SRV-MX-0001',
    });
    expect(c.callsOf('closeCase')).toEqual([
      { caseNumber: 'AT-2026-000001', solvedAtFirstLevel: true, verifiedWith: 'Laura Méndez' },
    ]);
    expect(c.question?.key).toBe('survey.askScore');
    expect(c.callsOf('openFolio')).toHaveLength(0);
  });

  it('R002-8: the survey takes a score 1–5 and an optional comment, then asks for anything else (issue 13)', async () => {
    const c = await atPowerCheck();
    await c.say('sí', 'sí', 'listo', 'sí', 'sí');
    expect(c.question?.choices?.map((x) => x.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(await c.send('7')).toEqual(['common.notUnderstood', 'survey.askScore']);
    await c.send('5');
    expect(c.question?.key).toBe('survey.askComment');
    await c.send('Muy rápida la atención');
    expect(c.callsOf('recordSurvey')).toEqual([
      { caseNumber: 'AT-2026-000001', score: 5, comment: 'Muy rápida la atención' },
    ]);
    expect(c.keys.slice(-2)).toEqual(['survey.thanks', 'common.askAnythingElse']);
    await c.send('no, gracias');
    expect(c.closedReason()).toBe('done');

    const d = await atPowerCheck();
    await d.say('sí', 'sí', 'listo', 'sí', 'sí', { choice: '4' }, { choice: 'skip' });
    expect(d.callsOf('recordSurvey')).toEqual([
      { caseNumber: 'AT-2026-000001', score: 4, comment: '' },
    ]);
  });

  it('R001-0: asks to rule out the internet provider, Outlook and Windows before the power check', async () => {
    const c = await atTriage();
    await c.say(
      { choice: 'technical' },
      { choice: 'software' },
      { choice: 'PRN-MX-0002' },
      { choice: 'yes' },
    );
    expect(c.question?.key).toBe('technical.askExternalRuledOut');
    expect(c.keys).not.toContain('technical.askPower');
    expect(await c.send('todavía no')).toEqual([
      'technical.howToRuleOutExternal',
      'technical.askIsExternal',
    ]);
    await c.send('sí');
    expect(c.keys).toContain('technical.externalCause');
    expect(c.callsOf('openCase')).toHaveLength(0);
    expect(c.question?.key).toBe('common.askAnythingElse');
  });

  it('R003-9: software or computing, not solved → remote access is offered as a last resort before severity, and consent is recorded', async () => {
    for (const category of ['software', 'computing']) {
      const c = await atFailedVerification(category);
      expect(c.question?.key, category).toBe('technical.askRemoteConsent');
      expect(c.question?.choices?.map((x) => x.id)).toEqual(['yes', 'no']);
      expect(c.keys).not.toContain('technical.askSeverity');
      expect(await c.send('sí')).toEqual(['technical.askSeverity']);
      const input = await toOpenedCase(c);
      expect(input.description).toBe(
        'Al abrirlo aparece el error 0x80070005 desde ayer\n[first level: power: yes; on: yes; restarted; works now: no]\n[remote access: consented]',
      );
    }
  });

  it('R003-9: a refused remote session is recorded and the flow continues exactly as before', async () => {
    const c = await atFailedVerification('software');
    expect(await c.send('no')).toEqual(['technical.askSeverity']);
    const input = await toOpenedCase(c);
    expect(input.description).toContain('[remote access: refused]');
    expect(input.description).not.toContain('consented');
    expect(c.question?.key).toBe('visit.askSlot');
  });

  it('R003-9: remote access is never offered for other categories', async () => {
    for (const category of ['network', 'servers', 'data-centre', 'printing']) {
      const c = await atFailedVerification(category);
      expect(c.question?.key, category).toBe('technical.askSeverity');
      const input = await toOpenedCase(c);
      expect(c.keys).not.toContain('technical.askRemoteConsent');
      expect(input.description).not.toContain('[remote access');
    }
    const d = await atPowerCheck();
    await d.say('sí', 'sí', 'listo', 'sí');
    expect(d.keys).not.toContain('technical.askRemoteConsent');
  });

  it('R002-2: serial and location come from the record; nothing the record answers is asked again', async () => {
    const c = await fullVisit();
    for (const k of [
      'contact.askName',
      'contact.askEmail',
      'contact.askPhone',
      'technical.askSerial',
      'technical.askLocation',
    ]) {
      expect(c.keys).not.toContain(k);
    }
    const questions = c.replies.filter((r) => r.key !== 'common.notUnderstood').map((r) => r.key);
    expect(new Set(questions).size).toBe(questions.length);
    expect(c.reply('technical.confirmLocation')?.params).toEqual({
      serial: 'SRV-MX-0001',
      location: 'Av. Insurgentes Sur 1234, piso 3',
    });
    expect(c.callsOf('openCase')[0]).toMatchObject({
      requesterName: 'Comercializadora del Valle',
      contractNumber: 'CT-MX-2024-001',
      equipmentSerial: 'SRV-MX-0001',
      equipmentLocation: 'Av. Insurgentes Sur 1234, piso 3',
      contact: {
        name: 'Laura Méndez',
        phone: '+52 55 5555 0101',
        email: 'laura.mendez@delvalle.example',
      },
    });
  });

  it('R002-2: a typed serial and a moved equipment ask for the location', async () => {
    const c = await atTriage();
    await c.say({ choice: 'technical' }, { choice: 'computing' }, 'lap-0099');
    expect(c.question?.key).toBe('technical.askLocation');
    await c.send('Oficina 4, piso 2, Av. Reforma 10');
    expect(c.question?.key).toBe('technical.askExternalRuledOut');
    const d = await atTriage();
    await d.say({ choice: 'technical' }, { choice: 'printing' }, 'prn-mx-0002', 'no');
    expect(d.question?.key).toBe('technical.askLocation');
  });

  it('R002-9: the categories are network, servers, software, data centre, computing and printing', async () => {
    const c = await atTriage();
    await c.send({ choice: 'technical' });
    expect(c.question?.choices?.map((x) => x.id)).toEqual([
      'network',
      'servers',
      'software',
      'data-centre',
      'computing',
      'printing',
    ]);
    await c.send('Impresión');
    await c.say({ choice: 'PRN-MX-0002' }, 'sí', 'sí', 'sí', 'sí', 'listo', 'sí');
    expect(c.callsOf('openCase')[0]?.category).toBe('printing');
  });

  it('R002-3: severity and urgency are offered with their definitions and give the priority', async () => {
    const c = await atSeverity();
    expect(c.question?.choices?.map((x) => x.key)).toEqual([
      'severity.critical.label',
      'severity.high.label',
      'severity.medium.label',
      'severity.low.label',
    ]);
    await c.send('media');
    expect(c.question?.key).toBe('technical.askUrgency');
    expect(c.question?.choices?.map((x) => x.id)).toEqual(['critical', 'high', 'medium', 'low']);
    await c.send('1');
    await c.say(
      'La impresora de recepción no imprime',
      'Sale un error 49 en la pantalla al imprimir',
      'omitir',
      'omitir',
    );
    const input = c.callsOf('openCase')[0] as OpenCaseInput;
    expect(input.severity).toBe('medium');
    expect(input.urgency).toBe('critical');
    expect(input.priority).toBe(priorityFromSeverityUrgency('medium', 'critical', DEFAULT_POLICY));
  });

  it('R001-2: a vague or short subject is re-asked', async () => {
    const c = await atSeverity();
    await c.say('alta', 'alta');
    expect(c.question?.key).toBe('technical.askSubject');
    expect(await c.send('no sirve')).toEqual(['technical.subjectTooVague', 'technical.askSubject']);
    expect(await c.send('falla')).toEqual(['technical.subjectTooVague', 'technical.askSubject']);
    await c.send('El servidor de facturación no responde');
    expect(c.question?.key).toBe('technical.askDescription');
  });

  it('R001-4: the description and the steps to reproduce go into the case', async () => {
    const c = await atSeverity();
    await toSlots(c);
    const input = c.callsOf('openCase')[0] as OpenCaseInput;
    expect(input.subject).toBe('El servidor no arranca y muestra error de disco');
    expect(input.description).toContain('disk failure');
    expect(input.stepsToReproduce).toBe('Encenderlo y esperar dos minutos');
    expect(input.type).toBe('technical-fault');
    expect(input.area).toBe('technical');
  });

  it('R001-3: attachments are invited, kept and passed to the case; skipping is allowed', async () => {
    const c = await atSeverity();
    await toSlots(c);
    expect(c.keys).toContain('technical.askAttachments');
    expect(c.keys).toContain('technical.attachmentsReceived');
    expect(c.callsOf('openCase')[0]?.attachments).toEqual([
      { name: 'error.png', contentType: 'image/png', url: 'https://files/1' },
    ]);
    const d = await atSeverity();
    await d.say(
      'baja',
      'baja',
      'La impresora de recepción no imprime',
      'Sale un error 49 en la pantalla',
      'no sé',
    );
    await d.send('omitir');
    expect(d.callsOf('openCase')[0]?.attachments).toEqual([]);
  });

  it('R002-4: the case number and opening time are told with the time zone', async () => {
    const c = await atSeverity();
    await toSlots(c);
    const opened = c.reply('case.opened');
    expect(opened?.params).toMatchObject({
      caseNumber: 'AT-2026-000001',
      timeZone: 'America/Mexico_City',
    });
    expect(typeof opened?.params?.openedAt).toBe('string');
    expect(Number.isNaN(Date.parse(String(opened?.params?.openedAt)))).toBe(false);
  });

  it('R001-5: a request about an open matter joins the open case instead of opening another', async () => {
    const c = await atSeverity({ openCaseOutcome: 'joined' });
    await toSlots(c);
    expect(c.keys).toContain('case.joined');
    expect(c.keys).not.toContain('case.opened');
    expect(c.reply('case.joined')?.params).toMatchObject({
      caseNumber: 'AT-2026-000001',
      timeZone: 'America/Mexico_City',
    });
    expect(c.callsOf('openFolio')).toHaveLength(0);
  });

  it('R003-2: outside office hours the case is opened and the customer told when humans are back', async () => {
    const c = await atSeverity({ officeOpen: false });
    await toSlots(c);
    expect(c.callsOf('openCase')).toHaveLength(1);
    expect(c.reply('case.outsideOfficeHours')?.params).toMatchObject({
      nextOpenAt: '2026-03-03T13:00:00.000Z',
      dueAt: '2026-03-02T20:00:00.000Z',
      timeZone: 'America/Mexico_City',
    });
    const inside = await atSeverity({ officeOpen: true });
    await toSlots(inside);
    expect(inside.keys).not.toContain('case.outsideOfficeHours');
  });

  it('R002-6: the visit slot is agreed with the customer before the folio', async () => {
    const c = await atSeverity();
    await toSlots(c);
    expect(c.question?.key).toBe('visit.askSlot');
    expect(c.question?.choices?.[0]?.params).toMatchObject({
      start: '2026-03-03T15:00:00.000Z',
      timeZone: 'America/Mexico_City',
    });
    expect(c.callsOf('openFolio')).toHaveLength(0);
    await c.send('2');
    await c.send('Marta López');
    expect(c.callsOf('openFolio')[0]).toMatchObject({
      slot: { id: 'slot-2' },
      attendant: 'Marta López',
    });
  });

  it('R000-3: asks who will be available for the whole visit', async () => {
    const c = await atSeverity();
    await toSlots(c);
    await c.send({ choice: 'slot-1' });
    expect(c.question?.key).toBe('visit.askAttendant');
    expect(await c.send('🙂')).toEqual(['visit.attendantNotUnderstood', 'visit.askAttendant']);
    await c.send('yo');
    expect(c.callsOf('openFolio')[0]?.attendant).toBe('Laura Méndez');
  });

  it('R000-5: documents and data ready, and 8 business hours of notice for a free reschedule', async () => {
    const c = await fullVisit();
    expect(c.reply('visit.dutiesDocuments')?.params).toEqual({ noticeHours: 8 });
    expect(c.keys.indexOf('visit.dutiesDocuments')).toBeLessThan(
      c.keys.indexOf('visit.folioConfirmed'),
    );
  });

  it('R000-11: preparation steps are told when the visit is scheduled', async () => {
    const c = await fullVisit();
    expect(c.keys.indexOf('visit.preparationSteps')).toBeGreaterThan(
      c.keys.indexOf('visit.askAttendant'),
    );
    expect(c.keys.indexOf('visit.preparationSteps')).toBeLessThan(
      c.keys.indexOf('visit.folioConfirmed'),
    );
  });

  it("R000-13: the manufacturer's requirements are told when the visit is scheduled", async () => {
    const c = await fullVisit();
    expect(c.keys.indexOf('visit.manufacturerRequirements')).toBeGreaterThan(
      c.keys.indexOf('visit.askAttendant'),
    );
    expect(c.keys.indexOf('visit.manufacturerRequirements')).toBeLessThan(
      c.keys.indexOf('visit.folioConfirmed'),
    );
  });

  it('R000-12: solved at first level, the customer confirms the case is finished before it is closed and surveyed', async () => {
    const c = await atPowerCheck();
    await c.say('sí', 'sí', 'listo', 'sí');
    expect(c.question?.key).toBe('technical.askCaseFinished');
    expect(c.question?.params).toEqual({ caseNumber: 'AT-2026-000001' });
    expect(c.question?.choices?.map((x) => x.id)).toEqual(['yes', 'no']);
    expect(c.callsOf('closeCase')).toHaveLength(0);
    expect(c.keys).not.toContain('survey.askScore');
    expect(await c.send('sí')).toEqual(['technical.solvedAtFirstLevel', 'survey.askScore']);
    expect(c.callsOf('closeCase')).toHaveLength(1);
  });

  it('R000-12: "not finished" keeps the case open (never closed), hands off and skips the survey', async () => {
    const c = await atPowerCheck();
    await c.say('sí', 'sí', 'listo', 'sí');
    const keys = await c.send('no');
    expect(keys[0]).toBe('technical.caseStaysOpen');
    expect(keys).toContain('handoff.queued');
    expect(c.reply('technical.caseStaysOpen')?.params).toEqual({ caseNumber: 'AT-2026-000001' });
    expect(c.callsOf('closeCase')).toHaveLength(0);
    // The case that stays open is not marked solved: only a confirmed closure says so.
    expect(c.callsOf('openCase')[0]).toMatchObject({ solvedAtFirstLevel: false });
    expect(c.emitted.find((e) => e.type === 'handoff')).toMatchObject({
      type: 'handoff',
      reason: 'case-not-finished',
      caseNumber: 'AT-2026-000001',
    });
    expect(c.keys).not.toContain('survey.askScore');
    expect(c.keys).not.toContain('technical.solvedAtFirstLevel');
  });

  it('R000-10: the 10-minute tolerance is told', async () => {
    const c = await fullVisit();
    expect(c.reply('visit.tolerance')?.params).toEqual({ minutes: 10 });
  });
});
