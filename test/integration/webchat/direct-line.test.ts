import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ActivityLike } from '../../../src/channels/webchat/activities.ts';
import { serve, type Served } from '../app/serve.ts';

// Microsoft's client runs in Node with the browser's XHR and WebSocket given to it.
const XMLHttpRequest: unknown = createRequire(import.meta.url)('xhr2');
Object.assign(globalThis, { XMLHttpRequest, WebSocket });
const { DirectLine } = await import('botframework-directlinejs');

interface Visitor {
  token: string;
  conversationId: string;
  userId: string;
}

const keyOf = (activity: ActivityLike) =>
  (activity.channelData as { key?: string } | undefined)?.key ?? '';

describe("web chat: atiende serves Direct Line v3 to Microsoft's botframework-directlinejs", () => {
  let served: Served;
  let domain: string;
  const subscriptions: { unsubscribe(): void }[] = [];

  const generate = async (): Promise<Visitor> => {
    const response = await fetch(`${domain}/tokens/generate`, { method: 'POST' });
    expect(response.status).toBe(200);
    return (await response.json()) as Visitor;
  };

  /** A Direct Line client for a visitor, with every activity it receives. */
  const connect = (visitor: Visitor, webSocket: boolean) => {
    const client = new DirectLine({
      domain,
      token: visitor.token,
      webSocket,
      pollingInterval: 200,
    });
    const received: ActivityLike[] = [];
    subscriptions.push(
      client.activity$.subscribe((activity) => received.push(activity as ActivityLike)),
    );
    const post = (fields: Partial<ActivityLike>) =>
      new Promise<string>((resolve, reject) =>
        client
          .postActivity({
            type: 'message',
            from: { id: visitor.userId, name: 'Visitante' },
            locale: 'es-MX',
            ...fields,
          } as never)
          .subscribe({ next: resolve, error: reject }),
      );
    const botReplies = () => received.filter((a) => a.from?.role === 'bot');
    const waitForBot = async (count: number, ms = 15_000) => {
      const until = Date.now() + ms;
      while (botReplies().length < count) {
        if (Date.now() > until)
          throw new Error(
            `got ${botReplies().length} of ${count} bot activities: ${JSON.stringify(received.map((a) => a.text))}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return botReplies();
    };
    return { client, received, post, botReplies, waitForBot };
  };

  beforeAll(async () => {
    served = await serve({
      channels: ['webchat'],
      channelSettings: { webchat: { conversationsPerAddress: 7 } },
    });
    domain = `${served.base}/v3/directline`;
  });
  afterAll(() => {
    // Closes the streams and stops the polls (end() throws "conversation ended" at them).
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  for (const webSocket of [true, false]) {
    it(`a visitor talks to the bot ${webSocket ? 'over the WebSocket stream' : 'by polling with a watermark'}, buttons included`, async () => {
      const visitor = await generate();
      const chat = connect(visitor, webSocket);
      const id = await chat.post({ text: 'Hola, quiero reportar una falla' });
      expect(id).toMatch(new RegExp(`^${visitor.conversationId}\\|`));
      // A turn's replies arrive one by one: wait for the one with the buttons.
      await expect
        .poll(() => chat.botReplies().some((a) => a.suggestedActions), { timeout: 15_000 })
        .toBe(true);
      const first = chat.botReplies();
      // The visitor's own message comes back (Web Chat waits for it), as theirs.
      expect(chat.received.some((a) => a.id === id && a.from?.id === visitor.userId)).toBe(true);
      const buttons = first.flatMap((a) => a.suggestedActions?.actions ?? []);
      expect(buttons.length, JSON.stringify(first.map(keyOf))).toBeGreaterThan(0);
      const button = buttons.find((b) => (b.value as { choice?: string }).choice === 'lang.pt');
      expect(button, JSON.stringify(buttons)).toBeDefined();
      const seen = chat.botReplies().length;
      await chat.post({ text: button!.text, value: button!.value });
      const after = await chat.waitForBot(seen + 1);
      expect(after.slice(seen).map((a) => a.locale)).toEqual(after.slice(seen).map(() => 'pt'));
      // The engine holds the conversation under the token's user.
      const replies = await served.app.runtime.engine.repliesSince(`webchat:${visitor.userId}`, 0);
      expect(replies.replies.length).toBeGreaterThanOrEqual(2);
    });
  }

  it("a reply no request waits for (an agent's) reaches the visitor's stream", async () => {
    const visitor = await generate();
    const chat = connect(visitor, true);
    await chat.post({ text: 'hola' });
    const seen = (await chat.waitForBot(1)).length;
    await served.app.channel('webchat').deliver({
      deliveryId: `webchat:${visitor.userId}:agent:1`,
      conversationId: `webchat:${visitor.userId}`,
      channel: 'webchat',
      channelUserId: visitor.userId,
      language: 'es',
      reply: { key: 'agent.message' },
      inReplyTo: null,
      text: 'Hola, soy Ana del equipo de soporte.',
      choices: [],
    });
    const all = await chat.waitForBot(seen + 1);
    expect(all.at(-1)!.text).toBe('Hola, soy Ana del equipo de soporte.');
  });

  it("every call needs the visitor's token: none, a forged one or another visitor's is refused", async () => {
    const ana = await generate();
    const bruno = await generate();
    const call = (method: string, path: string, token?: string, body?: unknown) =>
      fetch(`${domain}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const message = { type: 'message', from: { id: ana.userId }, text: 'soy Ana' };
    const anaActivities = `/conversations/${ana.conversationId}/activities`;
    expect((await call('GET', anaActivities)).status).toBe(401);
    expect((await call('POST', anaActivities, undefined, message)).status).toBe(401);
    const [head, , mac] = bruno.token.split('.');
    const forged = `${head}.${Buffer.from(JSON.stringify({ u: ana.userId, c: ana.conversationId, e: 4e9 })).toString('base64url')}.${mac}`;
    expect((await call('GET', anaActivities, forged)).status).toBe(401);
    expect((await call('GET', anaActivities, bruno.token)).status).toBe(403);
    expect((await call('POST', anaActivities, bruno.token, message)).status).toBe(403);
    expect((await call('POST', '/tokens/refresh')).status).toBe(401);
    // Bruno posting in his own conversation as Ana still speaks as Bruno.
    const own = await call(
      'POST',
      `/conversations/${bruno.conversationId}/activities`,
      bruno.token,
      {
        ...message,
        id: 'x',
      },
    );
    expect(own.status).toBe(200);
    expect(
      (await served.app.runtime.engine.repliesSince(`webchat:${ana.userId}`, 0)).replies,
    ).toEqual([]);
    expect(
      (await served.app.runtime.engine.repliesSince(`webchat:${bruno.userId}`, 0)).replies.length,
    ).toBeGreaterThan(0);
    // The stream of Ana's conversation does not open with Bruno's token.
    const stream = `${served.base.replace('http', 'ws')}/v3/directline/conversations/${ana.conversationId}/stream?t=${bruno.token}`;
    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(stream);
      socket.on('open', () => resolve('opened'));
      socket.on('error', (error) => resolve(String(error.message)));
    });
    expect(refused).toMatch(/403/);
  });

  it('R001-5: a message Web Chat sends again (same clientActivityID) is answered once', async () => {
    const visitor = await generate();
    const send = () =>
      fetch(`${domain}/conversations/${visitor.conversationId}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${visitor.token}` },
        body: JSON.stringify({
          type: 'message',
          from: { id: visitor.userId },
          text: 'hola',
          channelData: { clientActivityID: 'web-1' },
        }),
      });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const store = served.app.channel('webchat').directLine;
    const shown = (await store.since(visitor.conversationId, 0)).activities;
    const bot = shown.filter((a) => a.from?.role === 'bot');
    const turns = await served.app.runtime.engine.repliesSince(`webchat:${visitor.userId}`, 0);
    expect(bot.length).toBe(turns.replies.length);
    expect(new Set(turns.replies.map((r) => r.inReplyTo))).toEqual(new Set(['c:web-1']));
    // The replies point at the visitor's activity on screen (Web Chat holds them otherwise).
    const echo = shown[0]!;
    expect(bot.every((a) => a.replyToId === echo.id)).toBe(true);
  });

  it('R001-3: a file the visitor uploads (as Web Chat does) is kept in the database; a refused type is not, and the visitor is told why', async () => {
    const visitor = await generate();
    const form = new FormData();
    const activity = { type: 'message', from: { id: visitor.userId }, text: 'foto del equipo' };
    form.append(
      'activity',
      new Blob([JSON.stringify(activity)], { type: 'application/vnd.microsoft.activity' }),
    );
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    form.append('file', new Blob([png], { type: 'image/png' }), 'equipo.png');
    form.append(
      'file',
      new Blob([Buffer.from('MZ')], { type: 'application/x-msdownload' }),
      'x.exe',
    );
    const response = await fetch(
      `${domain}/conversations/${visitor.conversationId}/upload?userId=${visitor.userId}`,
      { method: 'POST', headers: { authorization: `Bearer ${visitor.token}` }, body: form },
    );
    expect(response.status).toBe(200);
    const files = await served.app.runtime.domain.attachments.model
      .find({ conversationId: `webchat:${visitor.userId}` })
      .lean();
    expect(files.map((f) => [f.name, f.contentType, f.size])).toEqual([
      ['equipo.png', 'image/png', png.length],
    ]);
    // The echo names the files without carrying their bytes.
    const echoed = await fetch(`${domain}/conversations/${visitor.conversationId}/activities`, {
      headers: { authorization: `Bearer ${visitor.token}` },
    });
    const { activities } = (await echoed.json()) as { activities: ActivityLike[] };
    expect(activities[0]!.attachments).toEqual([
      { name: 'equipo.png', contentType: 'image/png' },
      { name: 'x.exe', contentType: 'application/x-msdownload' },
    ]);
    const told = activities.filter((a) => a.from?.id !== visitor.userId).map((a) => a.text);
    expect(told).toContainEqual(expect.stringMatching(/ese tipo de archivo no lo recibo/));
  });

  it('an address opens a bounded number of new conversations (429 past it)', async () => {
    // Seven allowed by this test's settings; earlier tests of this file took some.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await fetch(`${domain}/tokens/generate`, { method: 'POST' })).status);
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(429);
  });
});
