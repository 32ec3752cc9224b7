/**
 * Issue 17: a stop does not wait on responses that never end by themselves. An agent console
 * left open holds a live feed (server-sent events); the server's close waited for it, so a
 * SIGTERM ran into the deadline. The stop ends the feeds (the console reconnects elsewhere).
 */
import { describe, expect, it } from 'vitest';
import { agentOf } from '../agent-console/console-client.ts';
import { serve } from './serve.ts';

describe('a stop with an agent console open (issue 17)', () => {
  it('ends the live feed and stops within a second', async () => {
    const served = await serve();
    const agent = await agentOf(served, 'L1');
    const stream = await fetch(`${served.base}/agent/api/events`, {
      headers: { cookie: agent.cookie },
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const ended = (async () => {
      const reader = stream.body!.getReader();
      while (!(await reader.read()).done);
      return 'ended';
    })().catch(() => 'ended');
    const started = performance.now();
    const stopped = await Promise.race([
      served.app.stop().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still stopping'), 5_000)),
    ]);
    expect(stopped).toBe('stopped');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await ended).toBe('ended');
  });
});
