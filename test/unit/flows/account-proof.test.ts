/**
 * Issue 12: naming an account identifies it, it does not hand it over. Account data (the
 * follow-up of its cases), invoices and cancellations wait for a proof — a one-time code sent to
 * the record's e-mail, or the network's verified phone — while a fault can be reported without
 * one and its case is marked for an agent to confirm. The codes' rules are the domain's own
 * (`AccountProofService`), run here on a store in memory and the fake clock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  Conversation,
  SANTA_RITA,
  VERIFIED_PHONE,
  atSeverity,
  atTriage,
  expectEmittedKeysTranslated,
  lastCode,
  openCase,
  proveAccount,
} from './harness.ts';

afterAll(expectEmittedKeysTranslated);

const CODE_ASKED = ['proof.codeSent', 'proof.askCode'];
const CODE_ASKED_AGAIN = ['proof.codeResent', 'proof.askCode'];
/** A six-digit code that is not `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('proving the account (issue 12)', () => {
  it('a typed account number and "sí" alone show no follow-up data: a code goes to the record\'s e-mail first', async () => {
    const c = await atTriage({ openCases: [openCase()] });
    expect(await c.send({ choice: 'followUp' })).toEqual(CODE_ASKED);
    expect(c.callsOf('listOpenCases')).toEqual([]);
    expect(c.keys).not.toContain('followUp.status');
    expect(c.reply('proof.codeSent')?.params).toEqual({
      maskedTo: 'l***@delvalle.example',
      minutes: 10,
    });
    expect(c.mailbox).toEqual([
      {
        to: 'laura.mendez@delvalle.example',
        code: expect.stringMatching(/^\d{6}$/),
        accountNumber: 'MX-1001',
      },
    ]);
    // The right code shows the case, and the flow goes on where it stood.
    expect(await proveAccount(c)).toEqual([
      'proof.proven',
      'followUp.status',
      'followUp.tooSoon',
      'common.askAnythingElse',
    ]);
    expect(c.callsOf('listOpenCases')).toEqual([{ accountNumber: 'MX-1001' }]);
  });

  it('R004-4: no invoice request is taken before the proof', async () => {
    const c = await atTriage();
    expect(await c.send({ choice: 'invoice' })).toEqual(CODE_ASKED);
    expect(await c.send('Necesito la factura de febrero')).toContain('proof.codeNotUnderstood');
    expect(c.callsOf('openCase')).toEqual([]);
    expect(await proveAccount(c)).toEqual(['proof.proven', 'request.askDescription']);
  });

  it('R004-5: no cancellation is accepted, nor its contract told, before the proof', async () => {
    const c = await atTriage();
    expect(await c.send('cancelar')).toEqual(CODE_ASKED);
    await c.send('sí');
    expect(c.callsOf('registerCancellation')).toEqual([]);
    expect(c.keys).not.toContain('cancellation.askConfirm');
    expect(await proveAccount(c)).toEqual(['proof.proven', 'cancellation.askConfirm']);
    await c.send('sí');
    expect(c.callsOf('registerCancellation')).toHaveLength(1);
  });

  it('the code is read typed with spaces, dashes or words around it', async () => {
    const forms = [
      (code: string) => `${code.slice(0, 3)} ${code.slice(3)}`,
      (code: string) => `${code.slice(0, 3)}-${code.slice(3)}`,
      (code: string) => `el código es ${code}, gracias`,
    ];
    for (const form of forms) {
      const c = await atTriage({ openCases: [] });
      await c.send({ choice: 'followUp' });
      expect(await c.send(form(lastCode(c).code))).toEqual([
        'proof.proven',
        'followUp.none',
        'common.askAnythingElse',
      ]);
    }
  });

  it('a wrong code is re-asked with the tries left; the fifth locks it and offers a person', async () => {
    const c = await atTriage();
    await c.send({ choice: 'followUp' });
    const bad = wrong(lastCode(c).code);
    for (const left of [4, 3, 2, 1]) {
      expect(await c.send(bad)).toEqual(['proof.wrongCode', 'proof.askCode']);
      expect(c.reply('proof.wrongCode')?.params).toEqual({ triesLeft: left });
    }
    expect(await c.send(bad)).toEqual(['proof.locked', 'proof.offerPerson']);
    expect(c.callsOf('listOpenCases')).toEqual([]);
    // Locked: the right code is no longer read as one here; only a new code can prove it now.
    const first = lastCode(c).code;
    await c.send(first);
    expect(c.callsOf('checkAccountCode')).toHaveLength(5);
    await c.say('no', 'sí', { choice: 'followUp' });
    expect(c.mailbox).toHaveLength(2);
    expect(await c.send(lastCode(c).code)).toEqual([
      'proof.proven',
      'followUp.none',
      'common.askAnythingElse',
    ]);
  });

  it('an expired code is refused; another one can be asked for, in words', async () => {
    const c = await atTriage();
    await c.send('cancelar');
    const first = lastCode(c).code;
    c.advance(10); // the next message comes 11 minutes after the code was sent
    expect(await c.send(first)).toEqual(['proof.expired', 'proof.askCode']);
    expect(await c.send('no me llegó, mándame otro')).toEqual(CODE_ASKED_AGAIN);
    expect(c.mailbox).toHaveLength(2);
    expect(await proveAccount(c)).toEqual(['proof.proven', 'cancellation.askConfirm']);
  });

  it('at most three codes an hour per account; then a person is offered', async () => {
    const c = await atTriage();
    await c.send({ choice: 'followUp' });
    await c.send({ choice: 'resend' });
    expect(await c.send('reenviar')).toEqual(CODE_ASKED_AGAIN);
    expect(await c.send({ choice: 'resend' })).toEqual(['proof.tooManyCodes', 'proof.offerPerson']);
    expect(c.mailbox).toHaveLength(3);
    await c.send('sí');
    expect(c.emitted.find((e) => e.type === 'handoff')).toMatchObject({
      reason: 'identity-unproven',
    });
  });

  it('a code sent again voids the one before', async () => {
    const c = await atTriage({ openCases: [] });
    await c.send({ choice: 'followUp' });
    const first = lastCode(c).code;
    expect(await c.send({ choice: 'resend' })).toEqual(CODE_ASKED_AGAIN);
    expect(c.reply('proof.codeResent')?.params).toEqual({
      maskedTo: 'l***@delvalle.example',
      minutes: 10,
    });
    if (first !== lastCode(c).code)
      expect(await c.send(first)).toEqual(['proof.wrongCode', 'proof.askCode']);
    expect((await proveAccount(c)).slice(1)).toEqual(['followUp.none', 'common.askAnythingElse']);
  });

  it('no access to that e-mail hands off to a person, who confirms the identity', async () => {
    const c = await atTriage();
    await c.send({ choice: 'followUp' });
    expect(await c.send('no tengo acceso a ese correo')).toEqual([
      'proof.noAccess',
      'handoff.queued',
      'handoff.contactCentre',
    ]);
    expect(c.emitted.find((e) => e.type === 'handoff')).toMatchObject({
      reason: 'identity-unproven',
    });
  });

  it('without a way to send codes (production without a mail server) the bot says so and offers a person', async () => {
    const c = await atTriage({ codesUnavailable: true });
    expect(await c.send({ choice: 'followUp' })).toEqual(['proof.cannotSend', 'proof.offerPerson']);
    expect(await c.send('no')).toEqual(['common.askAnythingElse']);
    expect(c.callsOf('listOpenCases')).toEqual([]);
  });

  it('a session once proven stays proven: no second code for the next request', async () => {
    const c = await atTriage();
    await c.send({ choice: 'followUp' });
    await proveAccount(c);
    await c.send('sí');
    expect(await c.send('cancelar')).toEqual(['cancellation.askConfirm']);
    expect(c.callsOf('sendAccountCode')).toHaveLength(1);
  });

  it('a phone the network verified (WhatsApp) that is a person of the account proves it: no code', async () => {
    const c = await atTriage({ ...VERIFIED_PHONE, openCases: [] });
    expect(await c.send({ choice: 'followUp' })).toEqual([
      'followUp.none',
      'common.askAnythingElse',
    ]);
    expect(c.callsOf('sendAccountCode')).toEqual([]);
    // A phone the customer merely typed proves nothing.
    const typed = new Conversation({ openCases: [] });
    await typed.send('Mi teléfono es +52 55 5555 0101');
    expect(typed.question?.key).toBe('triage.ask');
    expect(await typed.send({ choice: 'followUp' })).toEqual(CODE_ASKED);
  });

  it("R000-7: the code goes to the record's address of the named person the customer is — never to an address typed", async () => {
    // Someone who is not on record types their own address: the code goes to the primary contact.
    const c = new Conversation();
    await c.say(
      'MX-1001',
      { choice: 'no' },
      'Pedro Sánchez',
      'pedro@gmail.example',
      '55 1234 5678',
    );
    await c.send({ choice: 'followUp' });
    expect(lastCode(c).to).toBe('laura.mendez@delvalle.example');
    // An authorised person found by her e-mail gets it at her own address.
    const ana = new Conversation();
    await ana.say('Soy ana@santarita.example', { choice: 'followUp' });
    expect(lastCode(ana)).toMatchObject({
      to: 'ana@santarita.example',
      accountNumber: SANTA_RITA.accountNumber,
    });
    expect(ana.reply('proof.codeSent')?.params).toMatchObject({
      maskedTo: 'a***@santarita.example',
    });
  });

  it('R004-3: a fault is reported without a proof, its case marked for an agent to confirm', async () => {
    const unproven = await atSeverity();
    await unproven.say(
      { choice: 'high' },
      { choice: 'high' },
      'El servidor no arranca y muestra error de disco',
    );
    await unproven.say(
      'Desde el lunes se reinicia solo y muestra disk failure',
      { choice: 'skip' },
      { choice: 'skip' },
    );
    expect(unproven.keys).toContain('case.opened');
    expect(unproven.callsOf('sendAccountCode')).toEqual([]);
    expect(unproven.callsOf('openCase')[0]).toMatchObject({ identityVerified: false });
    // A doubt too; a proven session's case is not marked.
    const doubt = await atTriage();
    await doubt.say('duda', '¿Mi plan incluye soporte en sábado?');
    expect(doubt.callsOf('openCase')[0]).toMatchObject({ type: 'doubt', identityVerified: false });
    const proven = await atTriage(VERIFIED_PHONE);
    await proven.say('duda', '¿Mi plan incluye soporte en sábado?');
    expect(proven.callsOf('openCase')[0]).toMatchObject({ type: 'doubt', identityVerified: true });
  });

  it('the code typed is never kept in the stored snapshot', async () => {
    const c = await atTriage({ openCases: [] });
    await c.send({ choice: 'followUp' });
    const code = lastCode(c).code;
    await c.send(wrong(code));
    await c.send(code);
    expect(JSON.stringify(c.snapshot)).not.toContain(code);
    expect(JSON.stringify(c.snapshot)).not.toContain(wrong(code));
  });
});
