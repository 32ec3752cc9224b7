/**
 * Issue 14: the WhatsApp channel fed recorded Baileys payloads, in front of the real engine on
 * the real database — everything up to the socket (WhatsApp's servers cannot be reached here).
 */
import type { BaileysEventMap } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleAtiende, type Atiende } from '../../../src/app/assemble.ts';
import { conversationIdOf, type OutboundMessage } from '../../../src/bot/engine/messages.ts';
import { whatsappText } from '../../../src/channels/whatsapp/render.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { openTestConnection } from '../../support/database.ts';
import { fixture, RecordedSocket, upsertOf } from '../../support/whatsapp-fixtures.ts';

const FAST_LEASE = { ttlMs: 3_000, renewEveryMs: 200, marginMs: 500, skewMs: 200 };
const LAURA_JID = '5215555550101@s.whatsapp.net';
const LAURA = conversationIdOf('whatsapp', '525555550101');

let atiende: Atiende;
let socket: RecordedSocket;
let connects = 0;
let n = 0;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Plays an upsert and waits until the turns it started are over ("paused" after each). */
async function play(upsert: BaileysEventMap['messages.upsert'], turns = 1): Promise<string[]> {
  const pausedBefore = socket.calls.filter(
    (c) => c.type === 'presence' && c.presence === 'paused',
  ).length;
  const sentBefore = socket.sent.length;
  socket.emit('messages.upsert', upsert);
  await until(
    () =>
      socket.calls.filter((c) => c.type === 'presence' && c.presence === 'paused').length >=
      pausedBefore + turns,
    'the turn',
  );
  return socket.sent.slice(sentBefore).map((s) => s.text);
}

/** A text from a number (a fresh message id each time). */
function text(jid: string, body: string) {
  return upsertOf('text', (m) => {
    m.key.id = `3A${String(++n).padStart(18, '0')}`;
    m.key.remoteJid = jid;
    delete m.key.remoteJidAlt;
    m.message = { conversation: body };
  });
}

/** The replies the engine stored for a conversation, in order. */
async function repliesOf(conversationId: string): Promise<OutboundMessage[]> {
  return (await atiende.runtime.engine.repliesSince(conversationId, 0, 100)).replies;
}

describe('WhatsApp through recorded Baileys payloads (issue 14)', () => {
  beforeAll(async () => {
    atiende = await assembleAtiende({
      database: { connection: await openTestConnection() },
      policy: DEFAULT_POLICY,
      clock: new ManualClock('2026-03-10T16:00:00Z'),
      channels: ['whatsapp'],
      seedDemo: true,
      leaseTimings: FAST_LEASE,
      channelSettings: {
        whatsapp: {
          connect: async () => {
            connects++;
            socket = new RecordedSocket();
            return socket;
          },
          reconnect: { initialMs: 50, maxMs: 200 },
          show: () => undefined,
          pacing: { perChatMs: 0, globalMs: 0 },
        },
      },
    });
    await atiende.start();
    await until(() => atiende.channel('whatsapp').health().owner, 'the lease');
    socket.emit('connection.update', { connection: 'open' });
    await until(() => atiende.channel('whatsapp').health().status === 'open', 'the socket');
  });
  afterAll(() => atiende?.stop());

  it('a text is answered on its chat, with a read receipt and "typing…" while the turn runs', async () => {
    const replies = await play(fixture('text'));
    expect(replies.length).toBeGreaterThan(0);
    expect(socket.sent.every((s) => s.jid === LAURA_JID)).toBe(true);
    expect((await repliesOf(LAURA)).map(whatsappText)).toEqual(replies);
    expect(socket.calls).toContainEqual({ type: 'read', keys: [fixture('text').messages[0]!.key] });
    // Typing shown before the first reply, stopped after the last.
    const firstSend = socket.calls.findIndex((c) => c.type === 'send');
    const composing = socket.calls.findIndex(
      (c) => c.type === 'presence' && c.presence === 'composing',
    );
    const paused = socket.calls.findIndex((c) => c.type === 'presence' && c.presence === 'paused');
    expect(composing).toBeGreaterThanOrEqual(0);
    expect(composing).toBeLessThan(firstSend);
    expect(paused).toBeGreaterThan(socket.calls.findLastIndex((c) => c.type === 'send'));
  });

  it('a replayed messages.upsert is answered once', async () => {
    const before = socket.sent.length;
    const stored = (await repliesOf(LAURA)).length;
    await play(fixture('text'));
    await play(fixture('text'));
    expect(socket.sent.length).toBe(before);
    expect((await repliesOf(LAURA)).length).toBe(stored);
  });

  it('issue 12: the number WhatsApp verified (sent as 521…, folded) proves Laura’s account: her follow-up needs no code', async () => {
    await play(text(LAURA_JID, 'mi cuenta es MX-1001'));
    const followUp = await play(text(LAURA_JID, 'seguimiento'));
    const keys = (await repliesOf(LAURA)).slice(-followUp.length).map((r) => r.reply.key);
    expect(keys[0]).toMatch(/^followUp\./);
    expect(await atiende.runtime.domain.accountCodes.codes.countDocuments()).toBe(0);
  });

  it('a question with options is sent as numbered text; "la 2", the second label and its button all answer the second option', async () => {
    // Three customers unknown to the records, each brought to the same question.
    const customers = ['5215512340001', '5215512340002', '5215512340003'];
    const shown: string[] = [];
    for (const c of customers)
      shown.push((await play(text(`${c}@s.whatsapp.net`, 'Hola'))).join('\n'));
    const conversation = (c: string) => conversationIdOf('whatsapp', c.replace(/^521/, '52'));
    const last = async (c: string) => (await repliesOf(conversation(c))).at(-1)!;
    const question = await last(customers[0]!);
    expect(question.choices.length).toBeGreaterThanOrEqual(2);
    const numbered = question.choices.map((ch, i) => `${i + 1}. ${ch.label}`).join('\n');
    expect(shown[0]).toContain(numbered);
    expect((await last(customers[1]!)).choices).toEqual(question.choices);
    const second = question.choices[1]!;

    await play(upsertOf('numbered-reply'));
    await play(text(`${customers[1]}@s.whatsapp.net`, second.label));
    await play(
      upsertOf('button-reply', (m) => {
        m.key.remoteJid = `${customers[2]}@s.whatsapp.net`;
        m.message!.buttonsResponseMessage!.selectedButtonId = second.id;
        m.message!.buttonsResponseMessage!.selectedDisplayText = second.label;
      }),
    );
    // Each got the answer to the second option, whichever way it was given.
    const answers = await Promise.all(customers.map(last));
    expect(answers[0]!.deliveryId).not.toBe(question.deliveryId);
    const answer = (m: OutboundMessage) => [m.reply.key, m.language, m.text];
    expect(answer(answers[1]!)).toEqual(answer(answers[0]!));
    expect(answer(answers[2]!)).toEqual(answer(answers[0]!));
    // …and not the answer to the first option.
    await play(text(`${customers[0]}@s.whatsapp.net`, '1'));
    expect(answer(await last(customers[0]!))).not.toEqual(answer(answers[0]!));
  });

  it('R001-3: a photo and a document are stored with the case in the database, never on disk', async () => {
    const photo = new Uint8Array(3412).map((_, i) => (i * 7) % 256);
    const pdf = new TextEncoder().encode('%PDF-1.4 factura');
    socket.media.set('3AB1C2D3E4F5061728A9', photo);
    socket.media.set('3AD0C5E6F7A8B9C0D1E2', pdf);
    await play(fixture('image'));
    await play(fixture('document'));
    const files = atiende.runtime.domain.attachments;
    const image = await files.get(`${LAURA}:3AB1C2D3E4F5061728A9`);
    const document = await files.get(`${LAURA}:3AD0C5E6F7A8B9C0D1E2`);
    expect(image).toMatchObject({ name: 'image.jpg', contentType: 'image/jpeg' });
    expect(Buffer.from(image!.bytes).equals(Buffer.from(photo))).toBe(true);
    expect(document).toMatchObject({ name: 'factura-marzo.pdf', contentType: 'application/pdf' });
    expect(Buffer.from(document!.bytes).equals(Buffer.from(pdf))).toBe(true);
  });

  it('R001-3: a file over the limits is neither downloaded nor stored, and the customer is told why; its caption still reaches the engine', async () => {
    const big = upsertOf('image', (m) => {
      m.key.id = '3ABIGBIGBIGBIGBIGBIG';
      m.message!.imageMessage!.fileLength = 50 * 1024 * 1024;
    });
    const stored = (await repliesOf(LAURA)).length;
    const sent = await play(big);
    expect(
      await atiende.runtime.domain.attachments.get(`${LAURA}:3ABIGBIGBIGBIGBIGBIG`),
    ).toBeNull();
    expect(sent[0]).toBe(
      'No pude guardar tu archivo: pesa más de 10 MB. Si puedes, envíalo más ligero (una foto en lugar de un video, por ejemplo).',
    );
    // The caption was a message of its own: the engine answered it.
    expect((await repliesOf(LAURA)).length).toBeGreaterThan(stored);
    expect(sent.length).toBeGreaterThan(1);
  });

  it('R001-3: a file of a type not taken, with no words, gets only the refusal: no turn', async () => {
    const exe = upsertOf('document', (m) => {
      m.key.id = '3AEXEEXEEXEEXEEXEEXE';
      const doc = m.message!.documentWithCaptionMessage!.message!.documentMessage!;
      doc.mimetype = 'application/x-msdownload';
      doc.fileName = 'programa.exe';
      doc.caption = null;
    });
    const stored = (await repliesOf(LAURA)).length;
    const sent = await play(exe);
    expect(sent).toEqual([
      'No pude guardar tu archivo: ese tipo de archivo no lo recibo. Puedo guardar fotos, PDF, documentos de Word o Excel, audios y videos MP4.',
    ]);
    expect((await repliesOf(LAURA)).length).toBe(stored);
    // WhatsApp delivering it again changes nothing: the refusal is not sent twice.
    expect(await play(exe)).toEqual([]);
  });

  it('a @lid sender is the same customer and conversation as their phone number', async () => {
    const before = (await repliesOf(LAURA)).length;
    await play(fixture('lid-with-alt'));
    expect((await repliesOf(LAURA)).length).toBeGreaterThan(before);
    // The reply goes to the chat the customer wrote from.
    expect(socket.sent.at(-1)!.jid).toBe('140000000000101@lid');

    const { mapping, upsert } = fixture<{
      mapping: { lid: string; pn: string };
      upsert: BaileysEventMap['messages.upsert'];
    }>('lid-mapped');
    socket.emit('lid-mapping.update', mapping);
    await play(upsert);
    expect((await repliesOf(conversationIdOf('whatsapp', '541123456789'))).length).toBeGreaterThan(
      0,
    );
  });

  it('our own messages, a group, a status and a deletion are ignored: no turn, no reply', async () => {
    const sent = socket.sent.length;
    const calls = socket.calls.length;
    for (const name of ['own', 'group', 'status', 'revoke'])
      socket.emit('messages.upsert', fixture(name));
    socket.emit('messages.upsert', { ...fixture('text'), type: 'append' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(socket.sent.length).toBe(sent);
    expect(socket.calls.length).toBe(calls);
    expect(await repliesOf(conversationIdOf('whatsapp', '120363025246125486'))).toEqual([]);
  });

  it('a reply resent after a crash (same deliveryId) is not sent twice, even by another process', async () => {
    const reply = (await repliesOf(LAURA))[0]!;
    const before = socket.sent.length;
    await atiende.channel('whatsapp').deliver(reply);
    expect(socket.sent.length).toBe(before);
    const fresh = { ...reply, deliveryId: `${reply.deliveryId}-again` };
    await Promise.all([1, 2].map(() => atiende.channel('whatsapp').deliver(fresh)));
    expect(socket.sent.length).toBe(before + 1);
    expect(
      await atiende.connection
        .collection('channel_marks')
        .countDocuments({ _id: `sent:${fresh.deliveryId}` as never }),
    ).toBe(1);
  });

  it('a close other than a log-out reconnects with back-off, and the new socket serves', async () => {
    const before = connects;
    const closed = socket;
    closed.emit('connection.update', {
      connection: 'close',
      lastDisconnect: {
        error: Object.assign(new Error('Connection Closed'), { output: { statusCode: 428 } }),
        date: new Date(),
      },
    });
    expect(atiende.channel('whatsapp').health().status).toBe('reconnecting');
    await until(() => connects === before + 1, 'the reconnection');
    expect(socket).not.toBe(closed);
    socket.emit('connection.update', { connection: 'open' });
    await until(() => atiende.channel('whatsapp').health().status === 'open', 'the new socket');
    const replies = await play(text(LAURA_JID, 'hola de nuevo'));
    expect(replies.length).toBeGreaterThan(0);
  });

  it('a log-out is logged loudly, shown on health, forgets the stored session, and is not reconnected', async () => {
    const session = atiende.connection.collection('channel_sessions');
    await session.insertOne({ _id: 'whatsapp:main\u0000creds' as never, value: '{}' });
    const before = connects;
    socket.emit('connection.update', {
      connection: 'close',
      lastDisconnect: {
        error: Object.assign(new Error('Connection Failure'), { output: { statusCode: 401 } }),
        date: new Date(),
      },
    });
    await until(() => atiende.channel('whatsapp').health().status === 'loggedOut', 'the log-out');
    expect(atiende.channel('whatsapp').health()).toMatchObject({
      owner: true,
      status: 'loggedOut',
      reason: 'Connection Failure (401)',
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(connects).toBe(before);
    expect(await session.countDocuments({ _id: 'whatsapp:main\u0000creds' as never })).toBe(0);
  });
});
