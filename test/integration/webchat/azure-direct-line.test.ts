import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Served } from '../app/serve.ts';

const SECRET = 'azure-direct-line-channel-secret';

/** Azure's Direct Line `tokens/generate`, as a local stand-in: what it was asked, and its answer. */
async function azureStandIn() {
  const asked: { authorization?: string; body: unknown }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      asked.push({ authorization: request.headers.authorization, body: JSON.parse(body || '{}') });
      if (request.url !== '/v3/directline/tokens/generate' || request.method !== 'POST') {
        response.writeHead(404).end();
        return;
      }
      if (request.headers.authorization !== `Bearer ${SECRET}`) {
        response.writeHead(403).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          conversationId: `az-${asked.length}`,
          token: 'azure-token',
          expires_in: 3600,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/directline`;
  return { url, asked };
}

describe("issue 15: the /webchat page on Azure's Direct Line, its secret kept on the server", () => {
  let azure: Awaited<ReturnType<typeof azureStandIn>>;
  let served: Served;
  let wrong: Served;
  beforeAll(async () => {
    azure = await azureStandIn();
    served = await serve({
      channels: ['webchat'],
      channelSettings: {
        webchat: {
          azureDirectLine: { url: azure.url, secret: SECRET },
          conversationsPerAddress: 3,
        },
      },
    });
    wrong = await serve({
      channels: ['webchat'],
      channelSettings: { webchat: { azureDirectLine: { url: azure.url, secret: 'not-it' } } },
    });
  });

  it("the page points Web Chat at Azure's Direct Line and its content policy lets it connect there, nowhere else", async () => {
    const page = await fetch(`${served.base}/webchat`);
    const html = await page.text();
    expect(html).toContain(`data-direct-line="${azure.url}"`);
    expect(html).toContain('data-token-url="/webchat/token"');
    expect(html).not.toContain(SECRET);
    const csp = page.headers.get('content-security-policy')!;
    const origin = new URL(azure.url).origin;
    expect(csp).toContain(`connect-src 'self' ws: wss: ${origin} ${origin.replace('http', 'ws')}`);
    expect(csp).toContain("script-src 'self'");
  });

  it('a visitor gets a token Azure gave for a new visitor id; the secret never leaves the server', async () => {
    const response = await fetch(`${served.base}/webchat/token`, { method: 'POST' });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    const given = JSON.parse(text) as { token: string; conversationId: string; userId: string };
    expect(given.token).toBe('azure-token');
    expect(given.userId).toMatch(/^dl_[A-Za-z0-9_-]{20,}$/);
    const last = azure.asked.at(-1)!;
    expect(last.authorization).toBe(`Bearer ${SECRET}`);
    expect(last.body).toEqual({ user: { id: given.userId } });
  });

  it('new conversations per address are limited as on our own Direct Line; a refused secret is a clear 502', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await fetch(`${served.base}/webchat/token`, { method: 'POST' })).status);
    expect(statuses.at(-1)).toBe(429);
    const refused = await fetch(`${wrong.base}/webchat/token`, { method: 'POST' });
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: string }).error).toMatch(/not answering/);
  });

  it("without Azure configured there is no token route: the page uses atiende's own Direct Line", async () => {
    const own = await serve({ channels: ['webchat'] });
    expect((await fetch(`${own.base}/webchat/token`, { method: 'POST' })).status).toBe(404);
    expect(await (await fetch(`${own.base}/webchat`)).text()).toContain('data-direct-line=""');
  });
});
