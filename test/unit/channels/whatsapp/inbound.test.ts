import { describe, expect, it } from 'vitest';
import { customerOf, customerOfPhone } from '../../../../src/channels/whatsapp/identity.ts';
import { readMessage } from '../../../../src/channels/whatsapp/inbound.ts';
import { Pacer } from '../../../../src/channels/whatsapp/pacer.ts';
import { messageIdOf, whatsappText } from '../../../../src/channels/whatsapp/render.ts';
import { fixture } from '../../../support/whatsapp-fixtures.ts';

const first = (name: string) => fixture(name).messages[0]!;

describe('WhatsApp payloads read as customer messages (issue 14)', () => {
  it('a text, with its id, chat, sender name and WhatsApp instant', () => {
    expect(readMessage(first('text'))).toMatchObject({
      id: '3A0F6D2C9B1E4A7F8C21',
      chatJid: '5215555550101@s.whatsapp.net',
      text: 'Hola, buenos días',
      choice: null,
      media: null,
      displayName: 'Laura Méndez',
      sentAt: new Date(1773158400 * 1000),
    });
  });

  it('a reply quoting our question is its own text; a pressed button is a choice', () => {
    expect(readMessage(first('numbered-reply'))).toMatchObject({ text: 'la 2', choice: null });
    expect(readMessage(first('button-reply'))).toMatchObject({ choice: 'CHOICE', text: 'LABEL' });
  });

  it('R001-3: a photo and a document (inside its caption wrapper) declare their file', () => {
    expect(readMessage(first('image'))).toMatchObject({
      text: 'así se ve el módem',
      media: { kind: 'image', contentType: 'image/jpeg', size: 3412, name: 'image.jpg' },
    });
    expect(readMessage(first('document'))).toMatchObject({
      text: 'la factura que no me cuadra',
      media: {
        kind: 'document',
        contentType: 'application/pdf',
        name: 'factura-marzo.pdf',
        size: 2048,
      },
    });
  });

  it('our own messages, groups, status, broadcasts and deletions are not customers speaking', () => {
    expect(readMessage(first('own'))).toBe('fromMe');
    expect(readMessage(first('group'))).toBe('group');
    expect(readMessage(first('status'))).toBe('status');
    expect(readMessage(first('revoke'))).toBe('noContent');
    const list = first('text');
    list.key.remoteJid = '1773158400@broadcast';
    expect(readMessage(list)).toBe('broadcast');
    list.key.remoteJid = '120363999999999999@newsletter';
    expect(readMessage(list)).toBe('newsletter');
  });
});

describe('who wrote: one customer per phone number', () => {
  const none = async () => null;

  it("Mexico's old 521 and Argentina's 549 fold to the number people write, offered to identification", () => {
    expect(customerOfPhone('5215555550101')).toMatchObject({
      channelUserId: '525555550101',
      phone: '+525555550101',
    });
    expect(customerOfPhone('525555550101').channelUserId).toBe('525555550101');
    expect(customerOfPhone('5491123456789')).toMatchObject({
      channelUserId: '541123456789',
      phone: '+541123456789',
    });
    expect(customerOfPhone('5511987654321').localeHint).toBe('pt');
    expect(customerOfPhone('5215555550101').localeHint).toBeNull();
  });

  it('a @lid sender is the phone WhatsApp sent beside it, else the one its mapping gives', async () => {
    const pn = await customerOf('5215555550101@s.whatsapp.net', null, none);
    const alt = await customerOf('140000000000101@lid', '5215555550101@s.whatsapp.net', none);
    expect(alt).toEqual(pn);
    const mapped = await customerOf('150000000000777@lid', null, async (lid) =>
      lid === '150000000000777@lid' ? '5491123456789:0@s.whatsapp.net' : null,
    );
    expect(mapped.channelUserId).toBe('541123456789');
  });

  it('a @lid never mapped keeps a conversation of its own, with no phone', async () => {
    expect(await customerOf('150000000000888@lid', null, none)).toEqual({
      channelUserId: 'lid.150000000000888',
      phone: null,
      localeHint: null,
    });
  });
});

describe('replies as WhatsApp text', () => {
  it('choices are numbered in their order, under the text', () => {
    const text = whatsappText({
      text: '¿En qué te puedo ayudar?',
      choices: [
        { id: 'technical', label: 'Falla técnica' },
        { id: 'billing', label: 'Facturación' },
      ],
    });
    expect(text).toBe('¿En qué te puedo ayudar?\n\n1. Falla técnica\n2. Facturación');
    expect(whatsappText({ text: 'Listo', choices: [] })).toBe('Listo');
  });

  it('a reply sent twice carries one WhatsApp id', () => {
    expect(messageIdOf('whatsapp:525555550101:4:0')).toBe(messageIdOf('whatsapp:525555550101:4:0'));
    expect(messageIdOf('whatsapp:525555550101:4:0')).not.toBe(
      messageIdOf('whatsapp:525555550101:4:1'),
    );
    expect(messageIdOf('x')).toMatch(/^3EB0[0-9A-F]{18}$/);
  });
});

describe('outgoing pace', () => {
  it('a burst keeps each chat in order and spaces messages per chat and overall', async () => {
    let now = 0;
    const slept: number[] = [];
    const pacer = new Pacer(
      { perChatMs: 1000, globalMs: 200 },
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    const sent: string[] = [];
    const at: number[] = [];
    const send = (chat: string, n: number) =>
      pacer.run(chat, async () => {
        sent.push(`${chat}${n}`);
        at.push(now);
      });
    await Promise.all([send('a', 1), send('a', 2), send('b', 1), send('a', 3), send('b', 2)]);
    expect(sent.filter((s) => s.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(sent.filter((s) => s.startsWith('b'))).toEqual(['b1', 'b2']);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
    const ofA = sent.flatMap((s, i) => (s.startsWith('a') ? [at[i]!] : []));
    expect(ofA[1]! - ofA[0]!).toBeGreaterThanOrEqual(1000);
    expect(ofA[2]! - ofA[1]!).toBeGreaterThanOrEqual(1000);
  });
});
