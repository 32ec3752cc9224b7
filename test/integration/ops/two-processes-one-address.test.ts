/**
 * Issue 17: compose.yaml's topology without containers. Two atiende processes (as `npm start`
 * runs them) on one database server, behind one address that alternates between them as
 * nginx's round robin does: a conversation whose messages alternate between the processes
 * completes, with one case, and the two processes stopped one after the other lose nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { startAppProcess, type AppProcess } from '../../support/app-process.ts';
import { testDatabaseUri } from '../../support/database.ts';

/**
 * One address for several processes: each request goes to the next one in turn, and to the
 * one after it when that one refuses (a 503 while it stops, or no listener), as
 * `deploy/nginx.conf`'s `proxy_next_upstream` does. `served` records which process answered.
 */
async function roundRobin(
  bases: string[],
): Promise<{ url: string; served: number[]; server: Server }> {
  let next = 0;
  const served: number[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const first = next++ % bases.length;
      for (let k = 0; k < bases.length; k++) {
        const i = (first + k) % bases.length;
        try {
          const answer = await fetch(`${bases[i]}${request.url}`, {
            method: request.method,
            headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
            ...(request.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
          });
          if (answer.status === 503 && k < bases.length - 1) continue;
          served.push(i);
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(Buffer.from(await answer.arrayBuffer()));
          return;
        } catch {
          // not listening: the next one
        }
      }
      response.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served, server };
}

describe("compose.yaml's topology without containers (issue 17)", () => {
  const apps: AppProcess[] = [];
  afterAll(() => {
    for (const app of apps) if (app.child.exitCode === null) app.child.kill('SIGKILL');
  });

  it('R001-5: a conversation alternating between two processes behind one address completes with one case', async () => {
    const uri = testDatabaseUri();
    const secret = { WEBCHAT_TOKEN_SECRET: 'the-same-secret-for-both-processes' };
    apps.push(
      await startAppProcess({
        entry: 'src',
        env: { MONGODB_URI: uri, ATIENDE_SEED_DEMO: 'true', ...secret },
      }),
    );
    apps.push(
      await startAppProcess({
        entry: 'src',
        env: { MONGODB_URI: uri, ATIENDE_SEED_DEMO: 'false', ...secret },
      }),
    );
    const proxy = await roundRobin(apps.map((a) => a.base));
    afterAll(() => new Promise<void>((resolve) => proxy.server.close(() => resolve())));

    const say = async (messageId: string, step: { text: string } | { choice: string }) => {
      const response = await fetch(`${proxy.url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ userId: 'ana', messageId, ...step }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as {
        outcome: string;
        replies: { key: string; text: string }[];
      };
    };
    const steps = [
      { text: 'Hola, mi cuenta es MX-1001' },
      { choice: 'yes' },
      { choice: 'doubt' },
      { text: '¿Mi plan incluye soporte en sábado?' },
    ];
    const keys: string[] = [];
    for (const [n, step] of steps.entries()) {
      const answer = await say(String(n + 1), step);
      expect(answer.outcome).toBe('answered');
      keys.push(...answer.replies.map((r) => r.key));
    }
    expect(proxy.served).toEqual([0, 1, 0, 1]);
    expect(keys).toContain('request.registered');

    // A resend of the last message (its answer lost) reaches the other process: answered once.
    const again = await say('4', steps[3]!);
    expect(again.outcome).toBe('duplicate');

    const connection = await mongoose.createConnection(uri).asPromise();
    try {
      const cases = await connection
        .collection('cases')
        .find({ conversationId: 'http-json:ana' })
        .toArray();
      expect(cases).toHaveLength(1);
    } finally {
      await connection.close();
    }

    // A rolling restart: the first process stops; the address sends the next message to the
    // other (the 503 or the closed port is retried there).
    apps[0]!.child.kill('SIGTERM');
    expect((await apps[0]!.exited).code).toBe(0);
    const after = await fetch(`${proxy.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ userId: 'bea', messageId: '1', text: 'Hola, mi cuenta es MX-1001' }),
    });
    expect(after.status).toBe(200);
    expect(proxy.served.at(-1)).toBe(1);
    apps[1]!.child.kill('SIGTERM');
    expect((await apps[1]!.exited).code).toBe(0);
  }, 180_000);
});
