import { describe, expect, it } from 'vitest';
import { serve } from './serve.ts';

describe('every 500 is logged with the error, the conversation id and the request id', async () => {
  const { chat, base, app, logs } = await serve();
  const failures = () =>
    logs
      .filter((line) => (line.level as number) >= 50)
      .map((line) => ({
        msg: line.msg,
        error: (line.err as { message?: string } | undefined)?.message,
        conversationId: line.conversationId,
        requestId: line.reqId,
      }));

  it('a turn that fails', async () => {
    const { engine } = app.runtime;
    const handle = engine.handle.bind(engine);
    engine.handle = async () => {
      throw new Error('the disk is full');
    };
    try {
      const answer = await chat(
        { userId: 'falla', messageId: '1', text: 'hola' },
        { 'x-request-id': 'req-500-a' },
      );
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({ error: 'internal error' });
    } finally {
      engine.handle = handle;
    }
    expect(failures()).toContainEqual({
      msg: 'chat request failed',
      error: 'the disk is full',
      conversationId: 'http-json:falla',
      requestId: 'req-500-a',
    });
  });

  it('a poll that fails, and a resent message whose replies cannot be read', async () => {
    await chat({ userId: 'lee', messageId: '1', text: 'hola' });
    const { engine } = app.runtime;
    const { repliesSince, answerTo } = engine;
    engine.repliesSince = async () => {
      throw new Error('versions unreadable');
    };
    engine.answerTo = async () => {
      throw new Error('answers unreadable');
    };
    try {
      const poll = await fetch(`${base}/api/chat/lee/replies`, {
        headers: { 'x-request-id': 'req-500-b' },
      });
      expect(poll.status).toBe(500);
      const resent = await chat(
        { userId: 'lee', messageId: '1', text: 'hola' },
        { 'x-request-id': 'req-500-c' },
      );
      expect(resent.status).toBe(500);
    } finally {
      engine.repliesSince = repliesSince;
      engine.answerTo = answerTo;
    }
    expect(failures()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          error: 'versions unreadable',
          conversationId: 'http-json:lee',
          requestId: 'req-500-b',
        }),
        expect.objectContaining({
          error: 'answers unreadable',
          conversationId: 'http-json:lee',
          requestId: 'req-500-c',
        }),
      ]),
    );
  });
});
