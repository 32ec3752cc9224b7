import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startAtiende, type Atiende } from '../../../src/app/assemble.ts';
import { createLogger } from '../../../src/app/logger.ts';
import type { ActivityLike } from '../../../src/channels/webchat/activities.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { testDatabaseUri } from '../../support/database.ts';

interface Visitor {
  token: string;
  conversationId: string;
  userId: string;
}

describe('issue 15: Direct Line on several processes, and across a restart', () => {
  const uri = testDatabaseUri();
  const clock = new ManualClock('2026-03-10T16:00:00Z');
  const connections: mongoose.Connection[] = [];
  const running = new Set<Atiende>();

  /** One atiende process on the shared database, with no configured token key. */
  const process = async (seedDemo: boolean) => {
    const connection = mongoose.createConnection(uri, { autoIndex: false });
    await connection.asPromise();
    connections.push(connection);
    const app = await startAtiende({
      database: { connection },
      policy: DEFAULT_POLICY,
      clock,
      channels: ['webchat'],
      seedDemo,
      http: { host: '127.0.0.1', port: 0 },
      logger: createLogger('silent'),
      channelSettings: { webchat: { streamPollMs: 200 } },
    });
    running.add(app);
    return { app, domain: `http://127.0.0.1:${app.port}/v3/directline` };
  };
  let a: Awaited<ReturnType<typeof process>>;
  let b: Awaited<ReturnType<typeof process>>;

  beforeAll(async () => {
    a = await process(true);
    b = await process(false);
  });
  afterAll(async () => {
    for (const app of running) await app.stop();
    await connections[0]?.dropDatabase().catch(() => undefined);
    await Promise.all(connections.map((c) => c.close()));
  });

  const post = (domain: string, visitor: Visitor, text: string, clientId: string) =>
    fetch(`${domain}/conversations/${visitor.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitor.token}` },
      body: JSON.stringify({
        type: 'message',
        from: { id: visitor.userId },
        locale: 'es-MX',
        text,
        channelData: { clientActivityID: clientId },
      }),
    });
  const poll = async (domain: string, visitor: Visitor, watermark = 0) => {
    const response = await fetch(
      `${domain}/conversations/${visitor.conversationId}/activities?watermark=${watermark}`,
      { headers: { authorization: `Bearer ${visitor.token}` } },
    );
    expect(response.status).toBe(200);
    return (await response.json()) as { activities: ActivityLike[]; watermark: string };
  };

  it("a token from one process is taken by another (the key kept in the database); a visitor's stream on one process shows the replies the other gave", async () => {
    const generated = await fetch(`${a.domain}/tokens/generate`, { method: 'POST' });
    const visitor = (await generated.json()) as Visitor;
    const started = await fetch(`${b.domain}/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitor.token}` },
    });
    expect(started.status).toBe(201);
    const { streamUrl } = (await started.json()) as { streamUrl: string };
    // The stream is on process A (its URL rewritten to A), the messages go to process B.
    const onA = streamUrl.replace(new URL(b.domain).host, new URL(a.domain).host);
    const seen: ActivityLike[] = [];
    const socket = new WebSocket(onA);
    socket.on('message', (data) => {
      const text = String(data);
      if (text.trim() !== '')
        seen.push(...(JSON.parse(text) as { activities: ActivityLike[] }).activities);
    });
    await new Promise((resolve, reject) => socket.on('open', resolve).on('error', reject));
    try {
      expect((await post(b.domain, visitor, 'Hola, mi cuenta es MX-1001', 'p-1')).status).toBe(200);
      await expect
        .poll(() => seen.filter((x) => x.from?.role === 'bot').length, { timeout: 10_000 })
        .toBeGreaterThan(0);
      expect(seen[0]!.from?.id).toBe(visitor.userId);
      expect(seen[0]!.text).toBe('Hola, mi cuenta es MX-1001');
      // In order, each once, numbered without gaps.
      const numbers = seen.map((x) => Number(x.id!.split('|')[1]));
      expect(numbers).toEqual(numbers.map((_, i) => i));
      const engineReplies = await b.app.runtime.engine.repliesSince(`webchat:${visitor.userId}`, 0);
      expect(seen.filter((x) => x.from?.role === 'bot').map((x) => x.text)).toEqual(
        engineReplies.replies.map((r) => r.text),
      );
      // A poll on either process gives the same conversation.
      const polledA = await poll(a.domain, visitor);
      const polledB = await poll(b.domain, visitor);
      expect(polledA).toEqual(polledB);
      expect(polledA.activities.map((x) => x.id)).toEqual(seen.map((x) => x.id));
    } finally {
      socket.close();
    }
  });

  it('after a restart the visitor keeps the token and the whole conversation on screen', async () => {
    const visitor = (await (
      await fetch(`${a.domain}/tokens/generate`, { method: 'POST' })
    ).json()) as Visitor;
    expect((await post(a.domain, visitor, 'hola', 'r-1')).status).toBe(200);
    const before = await poll(a.domain, visitor);
    expect(before.activities.length).toBeGreaterThan(1);
    await a.app.stop();
    running.delete(a.app);
    const restarted = await process(false);
    const after = await poll(restarted.domain, visitor);
    expect(after).toEqual(before);
    // Polling on from the watermark gives nothing new, and the next message follows on.
    expect((await poll(restarted.domain, visitor, Number(before.watermark))).activities).toEqual(
      [],
    );
    expect((await post(restarted.domain, visitor, 'sí', 'r-2')).status).toBe(200);
    const next = await poll(restarted.domain, visitor, Number(before.watermark));
    expect(next.activities[0]!.text).toBe('sí');
    expect(Number(next.activities[0]!.id!.split('|')[1])).toBe(Number(before.watermark));
  });
});
