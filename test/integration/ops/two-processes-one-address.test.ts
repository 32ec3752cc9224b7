/**
 * Issue 17: compose.yaml's topology without containers. Two atiende processes (as `npm start`
 * runs them) with the environment compose.yaml gives its atiende services, on one database
 * server, behind one address that alternates between them as nginx's round robin does: a
 * conversation whose messages alternate between the processes completes, with one case, and
 * the two processes stopped one after the other lose nothing.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startAppProcess, type AppProcess } from '../../support/app-process.ts';
import { testDatabaseUri } from '../../support/database.ts';

/** The test's values for what compose.yaml takes from the shell (`${VAR:?…}`). */
const SHELL: Record<string, string> = {
  ATIENDE_API_KEY: 'compose-test-api-key-0123',
  WEBCHAT_TOKEN_SECRET: 'the-same-secret-for-both-processes',
};

/**
 * The environment compose.yaml gives an atiende service, on this machine: its shell variables
 * filled in, the database server of the tests instead of the replica set (no `mongod` here),
 * the mounted policy file at its path in the checkout, and a port of its own on 127.0.0.1
 * (the containers' 0.0.0.0:3978 each have an address of their own).
 */
async function composeEnvironment(
  service: string,
  uri: string,
): Promise<{ compose: Record<string, string>; here: Record<string, string> }> {
  const file = parse(await readFile('compose.yaml', 'utf8'), { merge: true }) as {
    services: Record<string, { environment: Record<string, string>; volumes: string[] }>;
  };
  const { environment, volumes } = file.services[service]!;
  const compose = Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [
      key,
      String(value).replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) => SHELL[name]!),
    ]),
  );
  const mounts = new Map(
    volumes.map((v) => v.split(':')).map(([from, to]) => [to!, resolve(from!)] as const),
  );
  const here: Record<string, string> = {
    ...compose,
    MONGODB_URI: uri,
    ATIENDE_POLICY: mounts.get(compose.ATIENDE_POLICY!)!,
    HOST: '127.0.0.1',
    PORT: '0',
  };
  return { compose, here };
}

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
            headers: {
              'content-type': request.headers['content-type'] ?? 'application/json',
              'x-api-key': String(request.headers['x-api-key'] ?? ''),
              // As deploy/nginx.conf sets it, for the rate limits per address.
              'x-forwarded-for': request.socket.remoteAddress ?? '',
            },
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
    const envs = await Promise.all(
      ['atiende-1', 'atiende-2'].map((service) => composeEnvironment(service, uri)),
    );
    // Everything compose.yaml sets is set, and only the addresses and the policy's path differ.
    for (const { compose, here } of envs) {
      expect(compose.NODE_ENV).toBe('production');
      expect(Object.keys(here).sort()).toEqual(Object.keys(compose).sort());
      const differ = Object.keys(compose).filter((key) => compose[key] !== here[key]);
      expect(differ.sort()).toEqual(['ATIENDE_POLICY', 'HOST', 'MONGODB_URI', 'PORT']);
      expect(compose.MONGODB_URI).toMatch(/replicaSet=rs0&w=majority/);
    }
    // The customers: the demo's, loaded by the first process (compose's load theirs their way).
    apps.push(
      await startAppProcess({ entry: 'src', env: { ...envs[0]!.here, ATIENDE_SEED_DEMO: 'true' } }),
    );
    apps.push(await startAppProcess({ entry: 'src', env: envs[1]!.here }));
    const proxy = await roundRobin(apps.map((a) => a.base));
    afterAll(() => new Promise<void>((resolve) => proxy.server.close(() => resolve())));

    const say = async (messageId: string, step: { text: string } | { choice: string }) => {
      const response = await fetch(`${proxy.url}/api/chat`, {
        method: 'POST',
        headers: { 'x-api-key': SHELL.ATIENDE_API_KEY! },
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
    // compose.yaml's API key is in force on both: without it, refused.
    for (const app of apps) {
      const refused = await fetch(`${app.base}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ userId: 'eve', messageId: '1', text: 'Hola' }),
      });
      expect(refused.status).toBe(401);
    }
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
      headers: { 'x-api-key': SHELL.ATIENDE_API_KEY! },
      body: JSON.stringify({ userId: 'bea', messageId: '1', text: 'Hola, mi cuenta es MX-1001' }),
    });
    expect(after.status).toBe(200);
    expect(proxy.served.at(-1)).toBe(1);
    apps[1]!.child.kill('SIGTERM');
    expect((await apps[1]!.exited).code).toBe(0);
  }, 180_000);
});
