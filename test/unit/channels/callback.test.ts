import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/bot/engine/messages.ts';
import { CallbackSender, type CallbackBody } from '../../../src/channels/http-json/callback.ts';

function reply(userId: string, n: number): OutboundMessage {
  return {
    deliveryId: `http-json:${userId}:${n}:0`,
    conversationId: `http-json:${userId}`,
    channel: 'http-json',
    channelUserId: userId,
    language: 'es',
    reply: { key: 'chatLimit.reached' },
    inReplyTo: null,
    text: `reply ${n}`,
    choices: [],
  };
}

/** A receiver whose answer to each POST is decided by `answer` (a status, after a delay). */
async function receiver(answer: (body: CallbackBody, seen: number) => [number, number]) {
  const seen: CallbackBody[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const body = JSON.parse(text) as CallbackBody;
      seen.push(body);
      const [status, delay] = answer(body, seen.length);
      setTimeout(() => response.writeHead(status).end(), delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

const until = async (done: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
const logger = pino({ level: 'silent' });

describe('the callback sender', () => {
  it("returns at once, keeps each conversation's order, and tries again after a failure", async () => {
    // Every answer is slow; the first try of each conversation's first reply fails.
    const { url, seen } = await receiver((body) =>
      body.text === 'reply 1' && seen.filter((b) => b.deliveryId === body.deliveryId).length === 1
        ? [503, 300]
        : [200, 20],
    );
    const sender = new CallbackSender({ url, logger, firstDelayMs: 20 });
    const started = performance.now();
    for (let n = 1; n <= 5; n++) for (const user of ['ana', 'luis']) sender.push(reply(user, n));
    // Ten pushes while the receiver takes 300 ms per failure: none waited for it.
    expect(performance.now() - started).toBeLessThan(200);
    await until(() => sender.stats.sent === 10);
    for (const user of ['ana', 'luis']) {
      const texts = seen.filter((b) => b.userId === user).map((b) => b.text);
      expect(texts).toEqual(['reply 1', 'reply 1', 'reply 2', 'reply 3', 'reply 4', 'reply 5']);
    }
    expect(sender.pending).toBe(0);
    await sender.stop();
  });

  it('gives up on a refusal (4xx) at once, and after its attempts on failures', async () => {
    const { url, seen } = await receiver((body) => [body.userId === 'gone' ? 410 : 500, 0]);
    const sender = new CallbackSender({ url, logger, firstDelayMs: 5, attempts: 3 });
    sender.push(reply('gone', 1));
    sender.push(reply('broken', 1));
    await until(() => sender.stats.failed === 2);
    expect(seen.filter((b) => b.userId === 'gone')).toHaveLength(1);
    expect(seen.filter((b) => b.userId === 'broken')).toHaveLength(3);
    await sender.stop();
  });

  it('holds a bounded number of replies while the callback is down, and stops trying when stopped', async () => {
    const { url } = await receiver(() => [503, 0]);
    const sender = new CallbackSender({ url, logger, firstDelayMs: 60_000, maxPending: 3 });
    for (let n = 1; n <= 5; n++) sender.push(reply(`u${n}`, 1));
    expect(sender.pending).toBe(3);
    expect(sender.stats.dropped).toBe(2);
    const stopping = performance.now();
    await sender.stop();
    expect(performance.now() - stopping).toBeLessThan(2_000);
    expect(sender.pending).toBe(0);
  });
});
