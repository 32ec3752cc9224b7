import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../src/app/http-server.ts';
import { HttpJsonChannel } from '../../../src/channels/http-json/http-json-channel.ts';
import { systemClock } from '../../../src/domain/clock.ts';
import { channelContext } from './context.ts';

describe('POST /api/chat when the engine fails', async () => {
  // The log is where a failure is told: every line, parsed.
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const channel = new HttpJsonChannel(
    channelContext({
      handle: async () => {
        throw new Error('the database went away');
      },
      logger,
    }),
  );
  const server = await createHttpServer({
    logger,
    channels: [channel],
    metrics: new Registry(),
    health: async () => ({ status: 'ok' }),
    clock: systemClock,
  });
  afterAll(() => server.close());

  it('answers 500 without details, and tells the failure with its conversation id', async () => {
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ userId: 'ana', messageId: '1', text: 'hola' }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
    const failures = lines
      .filter((line) => (line.level as number) >= 50)
      .map((line) => ({
        error: (line.err as { message: string }).message,
        conversationId: line.conversationId,
        requestId: line.reqId,
      }));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.conversationId).toBe('http-json:ana');
    expect(String(failures[0]?.error)).toContain('the database went away');
    expect(failures[0]?.requestId).toBe(res.headers.get('x-request-id'));
  });
});
