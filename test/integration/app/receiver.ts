import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import type { CallbackBody } from '../../../src/channels/http-json/callback.ts';

/** A callback receiver: a real HTTP server that records what it is sent. */
export interface Receiver {
  url: string;
  /** Every POST received, accepted or not. */
  received: { body: CallbackBody; headers: IncomingHttpHeaders; status: number }[];
  /** The bodies it accepted, once per delivery id (as a receiver that drops repeats keeps). */
  accepted(): CallbackBody[];
  /** Resolves once `count` distinct replies were accepted (fails after `ms`). */
  waitFor(count: number, ms?: number): Promise<CallbackBody[]>;
}

/** Starts a receiver that answers the first `failures` POSTs with `failStatus`, then 200. */
export async function startReceiver(failures = 0, failStatus = 503): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      const status = received.length < failures ? failStatus : 200;
      received.push({ body: JSON.parse(text) as CallbackBody, headers: request.headers, status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const accepted = () => {
    const byId = new Map<string, CallbackBody>();
    for (const r of received) if (r.status === 200) byId.set(r.body.deliveryId, r.body);
    return [...byId.values()];
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    accepted,
    async waitFor(count, ms = 15_000) {
      const until = Date.now() + ms;
      while (accepted().length < count) {
        if (Date.now() > until)
          throw new Error(`the callback got ${accepted().length} of ${count} replies`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return accepted();
    },
  };
}
