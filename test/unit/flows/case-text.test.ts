import { afterAll, describe, expect, it } from 'vitest';
import type { OpenCaseInput } from '../../../src/flows/contract.ts';
import {
  Conversation,
  atPowerCheck,
  atSeverity,
  atTriage,
  expectEmittedKeysTranslated,
} from './harness.ts';

afterAll(expectEmittedKeysTranslated);

const opened = (c: Conversation) => c.callsOf('openCase')[0] as OpenCaseInput | undefined;

describe('what a case keeps of the conversation (issue 13)', () => {
  it('R001-4: the description keeps every first-level step, "was unplugged" included', async () => {
    const c = await atPowerCheck();
    await c.say(
      { choice: 'no' }, // no power
      { choice: 'done' }, // plugged in
      { choice: 'yes' },
      { choice: 'yes' },
      { choice: 'done' },
      { choice: 'no' }, // still failing
      'alta',
      'alta',
      'El servidor de facturación no responde',
      'Al guardar una factura la pantalla se queda en blanco',
      'omitir',
      'omitir',
    );
    expect(opened(c)?.description).toContain(
      '[first level: power: no; plugged in; power: yes; on: yes; restarted; works now: no]',
    );
  });

  it('R001-4, R004-3: a case solved at the first level is described by the steps taken', async () => {
    const c = await atPowerCheck();
    await c.say({ choice: 'no' }, { choice: 'done' }, { choice: 'yes' }, { choice: 'yes' });
    await c.say({ choice: 'done' }, { choice: 'yes' });
    expect(opened(c)?.description).toContain(
      'power: no; plugged in; power: yes; on: yes; restarted; works now: yes',
    );
  });

  it('R001-2: a long subject is cut at a word, with an ellipsis', async () => {
    const c = await atSeverity();
    const long = `El servidor de facturación ${'rechaza las conexiones de la sucursal norte '.repeat(8)}`;
    await c.say(
      'alta',
      'alta',
      long,
      'La pantalla muestra el error 500 al guardar',
      'omitir',
      'omitir',
    );
    const subject = opened(c)?.subject ?? '';
    expect(subject.length).toBeLessThanOrEqual(200);
    expect(subject).toMatch(/ (rechaza|las|conexiones|de|la|sucursal|norte)…$/);
  });

  it('R001-7, R001-2: a ticket from the 20-minute limit takes its subject from what the customer said', async () => {
    const c = new Conversation();
    await c.send('Hola, mi cuenta es MX-1001');
    await c.send({ choice: 'yes' });
    await c.send('La impresora del segundo piso no imprime desde ayer');
    await c.send({ type: 'timer.chatLimit', at: c.now });
    const input = opened(c);
    expect(input?.subject).toBe('La impresora del segundo piso no imprime desde ayer');
    expect(input?.subject).not.toBe('technical-fault');
  });

  it('R001-7: greetings and identifiers are not taken for the matter', async () => {
    const c = await atTriage();
    await c.send({ type: 'timer.chatLimit', at: c.now });
    // "Hola, mi cuenta es MX-1001" names an account, not a matter.
    expect(opened(c)?.subject).toBe('other');
  });
});

describe('a name is a name (issue 13)', () => {
  it('R002-2 E: markup, a script, a URL or an e-mail typed as a name is refused and asked again', async () => {
    for (const bad of [
      '<script>alert(1)</script>',
      '<b>Juan</b>',
      'https://example.com/me',
      'ana@example.com',
    ]) {
      const c = new Conversation();
      await c.say('MX-1001', { choice: 'no' });
      expect(c.question?.key).toBe('contact.askName');
      expect(await c.send(bad), bad).toEqual(['contact.invalidName', 'contact.askName']);
    }
    const d = new Conversation();
    await d.say('MX-1001', { choice: 'no' });
    await d.send("José-Luis O'Connor");
    expect(d.question?.key).toBe('contact.askEmail');
  });
});
