import { LRUCache } from 'lru-cache';
import type { LiveFlow } from '../../flows/run-turn.ts';

/**
 * Machines kept running between turns, for the most recently active conversations, each at the
 * version it produced: a turn on the next version skips restoring the machine from its
 * snapshot. A machine evicted (or replaced) is stopped; one taken out for a turn is not.
 */
export class LiveFlows {
  readonly #lru: LRUCache<string, { flow: LiveFlow; version: number }>;

  constructor(max: number) {
    this.#lru = new LRUCache({
      max,
      dispose: (live, _conversationId, reason) => {
        if (reason === 'evict' || reason === 'set') live.flow.stop();
      },
    });
  }

  /**
   * Takes out a conversation's running machine for a turn on `version` (its latest). A machine
   * left from another version, or from before a new session, or unusable, is stopped: null.
   */
  take(conversationId: string, version: number | undefined, fresh: boolean): LiveFlow | null {
    const live = this.#lru.peek(conversationId);
    if (!live) return null;
    this.#lru.delete(conversationId);
    if (!fresh && live.version === version && live.flow.usable) return live.flow;
    live.flow.stop();
    return null;
  }

  /** Keeps a machine that produced `version`, now stored. */
  keep(conversationId: string, flow: LiveFlow, version: number): void {
    this.#lru.set(conversationId, { flow, version });
  }

  /** Stops and forgets a conversation's machine (it left memory). */
  drop(conversationId: string): void {
    const live = this.#lru.peek(conversationId);
    if (!live) return;
    this.#lru.delete(conversationId);
    live.flow.stop();
  }
}
