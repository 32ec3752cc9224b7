import { describe, expect, it } from 'vitest';
import type { InboundMessage, TurnOutcome } from '../../../src/bot/engine/messages.ts';
import { startReceiver } from './receiver.ts';
import { serve } from './serve.ts';

interface Page {
  replies: { deliveryId: string; inReplyTo: string | null; key: string; text: string }[];
  cursor: number;
}

describe('every reply reaches its JSON-channel customer', async () => {
  // The callback fails twice before it takes anything: retried, with back-off.
  const receiver = await startReceiver(2);
  const { chat, base, app, clock } = await serve({
    channelSettings: { httpJson: { callbackUrl: receiver.url, callbackToken: 'hook-secret' } },
  });
  const poll = async (userId: string, after?: number) => {
    const query = after === undefined ? '' : `?after=${after}`;
    const res = await fetch(`${base}/api/chat/${encodeURIComponent(userId)}/replies${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  };

  it('R001-7: the 20-minute notice, which answers no request, is pushed to the callback and found by a poll', async () => {
    const first = await chat({
      userId: 'rosa',
      messageId: '1',
      text: 'Hola, mi cuenta es MX-1001',
    });
    const second = await chat({ userId: 'rosa', messageId: '2', text: 'sí' });
    const answered = [...first.body.replies!, ...second.body.replies!];
    const before = await poll('rosa');
    expect(before.replies.map((r) => r.deliveryId)).toEqual(answered.map((r) => r.deliveryId));
    expect(before.cursor).toBe(2);

    clock.advanceMinutes(20);
    expect(await app.runtime.scheduler.tick()).toBe(1);
    const later = await poll('rosa', before.cursor);
    expect(later.replies.length).toBeGreaterThan(0);
    expect(later.replies.every((r) => r.inReplyTo === null)).toBe(true);
    expect(later.replies.some((r) => r.key.startsWith('chatLimit.'))).toBe(true);
    expect(later.cursor).toBe(3);
    expect(await poll('rosa', later.cursor)).toEqual({ replies: [], cursor: 3 });

    // Pushed: each once, in order, with what a receiver needs to drop a repeat.
    const pushed = await receiver.waitFor(later.replies.length);
    expect(pushed.map((r) => r.deliveryId)).toEqual(later.replies.map((r) => r.deliveryId));
    expect(pushed[0]).toMatchObject({
      conversationId: 'http-json:rosa',
      userId: 'rosa',
      inReplyTo: null,
      language: 'es',
    });
    // The two failures were tried again: the receiver saw the first reply three times.
    expect(receiver.received.slice(0, 3).map((r) => [r.status, r.body.deliveryId])).toEqual([
      [503, pushed[0]!.deliveryId],
      [503, pushed[0]!.deliveryId],
      [200, pushed[0]!.deliveryId],
    ]);
    const headers = receiver.received[0]!.headers;
    expect(headers.authorization).toBe('Bearer hook-secret');
    expect(headers['idempotency-key']).toBe(pushed[0]!.deliveryId);
    // Replies that went back in their request's answer are not pushed.
    expect(receiver.received.some((r) => r.body.inReplyTo !== null)).toBe(false);
  });

  it('a resent message that was already answered gets the replies that answered it', async () => {
    const first = await chat({
      userId: 'pedro',
      messageId: 'p1',
      text: 'Hola, mi cuenta es MX-1001',
    });
    await chat({ userId: 'pedro', messageId: 'p2', text: 'sí' });
    // The answer to p1 was lost: the client sends it again, after p2 even.
    const resent = await chat({
      userId: 'pedro',
      messageId: 'p1',
      text: 'Hola, mi cuenta es MX-1001',
    });
    expect(resent.body.outcome).toBe('duplicate');
    expect(resent.body.replies).toEqual(first.body.replies);
  });

  it('pushes the replies of a request whose client left before its answer', async () => {
    const { engine } = app.runtime;
    const handle = engine.handle.bind(engine);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inside = new Promise<void>((resolve) => (arrived = resolve));
    engine.handle = async (message: InboundMessage): Promise<TurnOutcome> => {
      arrived();
      await gate;
      return handle(message);
    };
    try {
      const leaving = new AbortController();
      const request = fetch(`${base}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ userId: 'ida', messageId: '1', text: 'Hola, mi cuenta es MX-1001' }),
        signal: leaving.signal,
      }).catch((error: unknown) => error);
      await inside;
      leaving.abort();
      await request;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const already = receiver.accepted().length;
      release();
      const pushed = await receiver.waitFor(already + 2);
      const forIda = pushed.filter((r) => r.userId === 'ida');
      expect(forIda.map((r) => r.inReplyTo)).toEqual(['1', '1']);
      expect(forIda.map((r) => r.key)).toContain('identification.askIsPrimary');
    } finally {
      engine.handle = handle;
      release();
    }
  });

  it('reads a poll a page at a time, and refuses a bad cursor', async () => {
    const page = await fetch(`${base}/api/chat/rosa/replies?after=0&limit=1`);
    expect(((await page.json()) as Page).cursor).toBe(1);
    expect((await fetch(`${base}/api/chat/rosa/replies?after=-1`)).status).toBe(400);
    expect((await fetch(`${base}/api/chat/rosa/replies?after=abc`)).status).toBe(400);
    expect(await poll('nadie')).toEqual({ replies: [], cursor: 0 });
  });
});
