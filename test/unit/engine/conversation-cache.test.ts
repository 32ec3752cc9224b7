/**
 * The engine's memory of conversations: the least recently used and the idle leave, taking
 * their running machines with them, but never one whose conversation has a turn queued or
 * running.
 */
import { describe, expect, it } from 'vitest';
import { ConversationCache } from '../../../src/bot/engine/conversation-cache.ts';
import { LiveFlows } from '../../../src/bot/engine/live-flows.ts';
import type { LiveFlow } from '../../../src/flows/run-turn.ts';
import { versionOf } from './fixtures.ts';

function cacheOf(max: number, idleMs = 60_000) {
  const pinned = new Set<string>();
  const evicted: string[] = [];
  const cache = new ConversationCache({
    max,
    idleMs,
    isPinned: (id) => pinned.has(id),
    onEvict: (id) => evicted.push(id),
  });
  return { cache, pinned, evicted };
}

/** A stand-in for a running machine: what `LiveFlows` uses of one. */
function fakeFlow(): LiveFlow & { stopped: boolean } {
  const flow = {
    stopped: false,
    get usable() {
      return !flow.stopped;
    },
    stop() {
      flow.stopped = true;
    },
  };
  return flow as unknown as LiveFlow & { stopped: boolean };
}

describe('the conversation cache', () => {
  it('lets the least recently used conversation go when full, and says so', () => {
    const { cache, evicted } = cacheOf(2);
    cache.set('a', versionOf(1));
    cache.set('b', versionOf(1));
    expect(cache.get('a')?.version).toBe(1); // a is now the most recent
    cache.set('c', versionOf(1));
    expect(evicted).toEqual(['b']);
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('never evicts a conversation with a turn queued or running: held aside, dropped once its turns are over', () => {
    const { cache, pinned, evicted } = cacheOf(1);
    cache.set('a', versionOf(1));
    pinned.add('a');
    cache.set('b', versionOf(1));
    expect(evicted).toEqual([]);
    expect(cache.get('a')?.version).toBe(1);
    expect(cache.size).toBe(2);
    pinned.delete('a');
    cache.unpinned('a');
    expect(evicted).toEqual(['a']);
    expect(cache.peek('a')).toBeUndefined();
  });

  it('keeps a held-aside conversation whose turn stored a newer version', () => {
    const { cache, pinned, evicted } = cacheOf(1);
    cache.set('a', versionOf(1));
    pinned.add('a');
    cache.set('b', versionOf(1));
    cache.set('a', versionOf(2)); // the turn's new version: b makes room
    pinned.delete('a');
    cache.unpinned('a');
    expect(evicted).toEqual(['b']);
    expect(cache.peek('a')?.version).toBe(2);
  });

  it('drops idle conversations but those with a turn queued or running', () => {
    const { cache, pinned, evicted } = cacheOf(10);
    for (const id of ['a', 'b', 'c']) cache.set(id, versionOf(1));
    pinned.add('b');
    expect(cache.evictIdle()).toBe(0); // nobody idle yet
    expect(cache.evictIdle(Number.MAX_SAFE_INTEGER)).toBe(2);
    expect(evicted.sort()).toEqual(['a', 'c']);
    expect(cache.peek('b')?.version).toBe(1);
  });

  it('counts a conversation idle once its idle time has passed', async () => {
    const { cache, evicted } = cacheOf(10, 20);
    cache.set('a', versionOf(1));
    await new Promise((resolve) => setTimeout(resolve, 40));
    cache.set('b', versionOf(1));
    expect(cache.evictIdle()).toBe(1);
    expect(evicted).toEqual(['a']);
  });
});

describe('machines kept running between turns', () => {
  it('hands back the machine of the version a turn builds on, and restores otherwise', () => {
    const flows = new LiveFlows(10);
    const flow = fakeFlow();
    flows.keep('a', flow, 3);
    expect(flows.take('a', 3, false)).toBe(flow);
    expect(flow.stopped).toBe(false); // taken out for the turn, not stopped
    expect(flows.take('a', 3, false)).toBeNull(); // taken once

    flows.keep('a', flow, 3);
    expect(flows.take('a', 4, false)).toBeNull(); // another process stored version 4
    expect(flow.stopped).toBe(true);

    const other = fakeFlow();
    flows.keep('b', other, 5);
    expect(flows.take('b', 5, true)).toBeNull(); // a new session starts its machine anew
    expect(other.stopped).toBe(true);
  });

  it('stops the machines it lets go: the least recently used beyond its size, and dropped ones', () => {
    const flows = new LiveFlows(2);
    const [a, b, c] = [fakeFlow(), fakeFlow(), fakeFlow()];
    flows.keep('a', a, 1);
    flows.keep('b', b, 1);
    flows.keep('c', c, 1);
    expect([a.stopped, b.stopped, c.stopped]).toEqual([true, false, false]);
    flows.drop('b');
    expect(b.stopped).toBe(true);
    expect(flows.take('c', 1, false)).toBe(c);
  });
});
