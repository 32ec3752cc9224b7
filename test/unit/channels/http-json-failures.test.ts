import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpJsonChannel } from '../../../src/channels/http-json/http-json-channel.ts';

describe('POST /api/chat when the engine fails', () => {
  const failures: { error: unknown; conversationId: string | null }[] = [];
  const channel = new HttpJsonChannel(
    async () => {
      throw new Error('the database went away');
    },
    (error, conversationId) => failures.push({ error, conversationId }),
  );
  const server = createServer((req, res) => void channel.serve(req, res, new Date()));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 500 without details, and tells the failure with its conversation id', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ userId: 'ana', messageId: '1', text: 'hola' }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.conversationId).toBe('http-json:ana');
    expect(String(failures[0]?.error)).toContain('the database went away');
  });
});
