import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import type { ActivityLike } from '../../../src/channels/webchat/activities.ts';

/** A Bot Framework connector on loopback (the Emulator's serviceUrl): records what the bot sends. */
export interface Connector {
  serviceUrl: string;
  /** Every activity the bot sent, with the path it was sent to. */
  sent: { path: string; activity: ActivityLike; authorization: string | undefined }[];
  /** Resolves once `count` activities were sent in all (fails after `ms`). */
  waitFor(count: number, ms?: number): Promise<void>;
}

export async function startConnector(): Promise<Connector> {
  const sent: Connector['sent'] = [];
  let next = 0;
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      if (
        request.method === 'POST' &&
        /^\/v3\/conversations\/[^/]+\/activities/.test(request.url ?? '')
      ) {
        sent.push({
          path: request.url ?? '',
          activity: JSON.parse(text) as ActivityLike,
          authorization: request.headers.authorization,
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: `sent-${++next}` }));
      } else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    serviceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    sent,
    async waitFor(count, ms = 10_000) {
      const until = Date.now() + ms;
      while (sent.length < count) {
        if (Date.now() > until) throw new Error(`the connector got ${sent.length} of ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}
