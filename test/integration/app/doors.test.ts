import { describe, expect, it } from 'vitest';
import { rawConnection, trickle } from './raw-http.ts';
import { serve } from './serve.ts';

const KEY = 'k3y-0f-the-integration-0123456789';
const hello = (userId: string, messageId = '1') => ({
  userId,
  messageId,
  text: 'Hola, mi cuenta es MX-1001',
});

describe('the API key', async () => {
  const { chat, base, logs } = await serve({ channelSettings: { httpJson: { apiKey: KEY } } });

  it('refuses a request without the key or with a wrong one (401, no detail)', async () => {
    const missing = await chat(hello('sin-clave'));
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: 'unauthorized' });
    const wrong = await chat(hello('sin-clave'), { authorization: `Bearer ${KEY}x` });
    expect(wrong.status).toBe(401);
    const wrongHeader = await chat(hello('sin-clave'), { 'x-api-key': KEY.slice(1) });
    expect(wrongHeader.status).toBe(401);
    expect((await fetch(`${base}/api/chat/sin-clave/replies`)).status).toBe(401);
  });

  it('takes the key as a bearer token or in x-api-key, on POST and GET', async () => {
    expect((await chat(hello('con-clave'), { authorization: `Bearer ${KEY}` })).status).toBe(200);
    const again = await chat(hello('con-clave', '2'), { 'x-api-key': KEY });
    expect(again.status).toBe(200);
    const poll = await fetch(`${base}/api/chat/con-clave/replies`, {
      headers: { authorization: `bearer ${KEY}` },
    });
    expect(poll.status).toBe(200);
  });

  it('does not warn that the channel runs open, and never logs the key', () => {
    expect(logs.some((line) => /RUNS OPEN/.test(String(line.msg)))).toBe(false);
    expect(JSON.stringify(logs)).not.toContain(KEY);
  });
});

describe('a channel without a key', async () => {
  const { logs, app } = await serve();

  it('says so loudly, once, at start-up', () => {
    const warnings = logs.filter((line) => /RUNS OPEN/.test(String(line.msg)));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe(40);
    expect(app.channel('http-json').settings.apiKey).toBeNull();
  });
});

describe('cross-site browser requests', async () => {
  const { chat, base, app } = await serve({
    channelSettings: { httpJson: { allowedOrigins: ['https://shop.example.com'] } },
  });

  it('refuses a page of another site posting as a user, whatever its content type', async () => {
    const simple = await chat(hello('victima'), {
      'content-type': 'text/plain',
      'sec-fetch-site': 'cross-site',
    });
    expect(simple.status).toBe(403);
    const withOrigin = await chat(hello('victima'), {
      'content-type': 'text/plain',
      origin: 'https://evil.example.net',
    });
    expect(withOrigin.status).toBe(403);
    const sandboxed = await chat(hello('victima'), { origin: 'null' });
    expect(sandboxed.status).toBe(403);
    const poll = await fetch(`${base}/api/chat/victima/replies`, {
      headers: { origin: 'https://evil.example.net' },
    });
    expect(poll.status).toBe(403);
    expect(await app.runtime.engine.state('http-json:victima')).toBeNull();
  });

  it('lets this server’s own pages, the allowed origins and curl through', async () => {
    const own = await chat(hello('propia'), {
      origin: base,
      'sec-fetch-site': 'same-origin',
    });
    expect(own.status).toBe(200);
    const shop = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { origin: 'https://shop.example.com', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify(hello('tienda')),
    });
    expect(shop.status).toBe(200);
    expect(shop.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const curl = await chat(hello('curl'), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(curl.status).toBe(200);
  });

  it('answers the preflight of an allowed origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${base}/api/chat`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
    const allowed = await preflight('https://shop.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight('https://evil.example.net')).status).toBe(403);
  });
});

describe('ids that are not clean text', async () => {
  const { chat, base, app } = await serve();
  const raw = (json: string | Uint8Array) =>
    fetch(`${base}/api/chat`, { method: 'POST', body: json }).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as { error?: string },
    }));

  it('refuses lone surrogates, which the database would store as one "\uFFFD"', async () => {
    const high = await raw('{"userId":"\\ud800","messageId":"1","text":"hola"}');
    const low = await raw('{"userId":"\\udc00","messageId":"1","text":"hola"}');
    const reversed = await raw('{"userId":"ana\\udc00\\ud800","messageId":"1","text":"hola"}');
    const message = await raw('{"userId":"ana","messageId":"\\udfff","text":"hola"}');
    for (const answer of [high, low, reversed, message]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatch(/must be valid text/);
    }
    expect(await app.runtime.engine.state('http-json:\uFFFD')).toBeNull();
  });

  it('refuses bytes that are not UTF-8 instead of turning them into "\uFFFD"', async () => {
    const body = Buffer.concat([
      Buffer.from('{"userId":"a'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","messageId":"1","text":"hola"}'),
    ]);
    const answer = await raw(body);
    expect(answer).toEqual({
      status: 400,
      body: expect.objectContaining({ error: 'the body must be UTF-8 text' }),
    });
  });

  it('refuses control, zero-width and bidi characters and noncharacters in ids', async () => {
    for (const userId of [
      'ana\u0000',
      'ana\u001b[2J',
      'an\u200ba',
      '\u202eana',
      'ana\uffff',
      'ana\u0085',
    ]) {
      const answer = await chat({ userId, messageId: '1', text: 'hola' });
      expect(answer.status, JSON.stringify(userId)).toBe(400);
    }
    expect((await chat({ userId: 'ana', messageId: 'm\u2028', text: 'hola' })).status).toBe(400);
    expect((await fetch(`${base}/api/chat/ana%00/replies`)).status).toBe(400);
    expect((await fetch(`${base}/api/chat/%ED%A0%80/replies`)).status).toBe(400);
  });

  it('keeps ids exactly as given: two spellings of "é" are two users', async () => {
    const composed = await chat({ userId: 'jos\u00e9', messageId: '1', text: 'hola' });
    const decomposed = await chat({ userId: 'jose\u0301', messageId: '1', text: 'hola' });
    expect([composed.body.outcome, decomposed.body.outcome]).toEqual(['answered', 'answered']);
    expect(await app.runtime.engine.state('http-json:jos\u00e9')).not.toBeNull();
    expect(await app.runtime.engine.state('http-json:jose\u0301')).not.toBeNull();
  });

  it('takes an optional whole seq from 1, and refuses any other', async () => {
    for (const seq of [0, -1, 1.5, '2', null]) {
      const answer = await chat({ userId: 'seq', messageId: `s${String(seq)}`, text: 'hola', seq });
      expect(answer.status, String(seq)).toBe(400);
    }
    expect((await chat({ userId: 'seq', messageId: 'ok', text: 'hola', seq: 1 })).status).toBe(200);
  });
});

describe('slow, oversized and too many connections', async () => {
  const { app } = await serve({
    http: { host: '127.0.0.1', port: 0, limits: { requestTimeoutMs: 1_000, maxConnections: 4 } },
  });
  const port = app.port!;

  it('answers an oversized body 413 and closes the connection cleanly', async () => {
    const client = await rawConnection(port);
    const body = 'x'.repeat(200_000);
    client.socket.write(
      `POST /api/chat HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    await trickle(client.socket, body, 20, 10);
    const closed = await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(client.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(closed).toMatchObject({ ended: true, error: null });
  });

  it('cuts a body that trickles in past the deadline (408)', async () => {
    const client = await rawConnection(port);
    client.socket.write(
      'POST /api/chat HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n{"userId"',
    );
    const closed = await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(closed.afterMs).toBeGreaterThanOrEqual(900);
    expect(closed.afterMs).toBeLessThan(5_000);
  });

  it('cuts headers that trickle in past the deadline', async () => {
    const client = await rawConnection(port);
    void trickle(
      client.socket,
      'GET /healthz HTTP/1.1\r\nHost: a\r\nX-Slow: ' + 'a'.repeat(50),
      50,
      100,
    );
    const closed = await client.closed;
    expect(closed.afterMs).toBeLessThan(5_000);
    expect(client.received()).not.toMatch(/ 200 /);
  });

  it('closes connections beyond the cap, and serves again once one is gone', async () => {
    const open = await Promise.all(Array.from({ length: 4 }, () => rawConnection(port)));
    const extra = await rawConnection(port);
    const refused = await extra.closed;
    expect(refused.afterMs).toBeLessThan(2_000);
    expect(extra.received()).toBe('');

    open[0]!.socket.destroy();
    await open[0]!.closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await rawConnection(port);
    next.socket.write('GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    await next.closed;
    expect(next.received()).toMatch(/^HTTP\/1\.1 200 /);
    for (const connection of open) connection.socket.destroy();
  });
});
