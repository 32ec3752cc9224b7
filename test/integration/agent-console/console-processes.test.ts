import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Served } from '../app/serve.ts';
import { testDatabaseUri } from '../../support/database.ts';
import { agentOf, clientOf, queuedCustomer } from './console-client.ts';

describe('issue 15: the agent console on several processes', () => {
  const connections: mongoose.Connection[] = [];
  let a: Served;
  let b: Served;
  beforeAll(async () => {
    const uri = testDatabaseUri();
    for (let i = 0; i < 2; i++) {
      const connection = mongoose.createConnection(uri, { autoIndex: false, maxPoolSize: 20 });
      await connection.asPromise();
      connections.push(connection);
    }
    const options = (connection: mongoose.Connection) => ({
      database: { connection },
      agentConsole: { eventPollMs: 100 },
    });
    a = await serve(options(connections[0]!));
    b = await serve(options(connections[1]!));
  });
  afterAll(async () => {
    await connections[0]!.dropDatabase().catch(() => undefined);
  });

  /** The console's live feed on a process, as text so far. */
  const feed = async (served: Served, cookie: string) => {
    const controller = new AbortController();
    const stream = await fetch(`${served.base}/agent/api/events`, {
      headers: { cookie },
      signal: controller.signal,
    });
    const reader = stream.body!.getReader();
    const state = { seen: '' };
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        state.seen += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    return {
      state,
      stop: async () => {
        controller.abort();
        await reading;
      },
    };
  };

  it("a console on one process hears, within a second, what another process handled: the queue moving and the customer's words; the agent's session works on both", async () => {
    const onA = await agentOf(a, 'L2');
    const onB = clientOf(b.base, onA.email, onA.cookie, onA.csrf);
    expect((await onB.get('/agent/api/queue')).status).toBe(200);
    const live = await feed(a, onA.cookie);
    try {
      // Give the feed its first read (it starts at the log's end).
      await new Promise((resolve) => setTimeout(resolve, 300));
      const id = await queuedCustomer(b, 'two-processes-customer');
      await expect.poll(() => live.state.seen, { timeout: 5_000 }).toContain(id);
      expect((await onB.act(id, 'take')).status).toBe(200);
      const answer = await b.chat({
        userId: 'two-processes-customer',
        messageId: 'tp-1',
        text: 'sigue parpadeando la luz roja',
      });
      expect(answer.body.replies).toEqual([]);
      await expect
        .poll(() => live.state.seen, { timeout: 5_000 })
        .toContain('sigue parpadeando la luz roja');
      // Each event once: the process that handled it does not hear it back from the log.
      const told = (text: string) => live.state.seen.split(text).length - 1;
      expect(told('sigue parpadeando la luz roja')).toBe(1);
      // The agent writes through process A: its console hears it at once, and not again later.
      expect((await onA.act(id, 'message', { text: 'reviso desde A' })).status).toBe(200);
      await expect.poll(() => told('reviso desde A')).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(told('reviso desde A')).toBe(1);
    } finally {
      await live.stop();
    }
  });
});
