import { LRUCache } from 'lru-cache';
import type { ConversationState } from './state.ts';

/** The limits of the conversation cache and what it asks the engine. */
export interface ConversationCacheOptions {
  /** Conversations kept at most; the least recently used go first. */
  max: number;
  /** How long an idle conversation stays (real time since its version was cached). */
  idleMs: number;
  /** Whether a conversation has a turn queued or running: such an entry is never evicted. */
  isPinned: (conversationId: string) => boolean;
  /** Called when a conversation leaves memory (evicted or idle), to drop what hangs on it. */
  onEvict: (conversationId: string) => void;
}

/**
 * The latest version of the conversations this process served: a turn's read is usually free.
 * Least recently used and idle conversations leave (idle conversations hold no memory), except
 * those with a turn queued or running: an entry the cache lets go meanwhile is held aside until
 * the conversation's turns are over, then dropped unless a turn stored a newer version.
 */
export class ConversationCache {
  readonly #lru: LRUCache<string, ConversationState>;
  /** Entries evicted while pinned, until their conversation's turns are over. */
  readonly #held = new Map<string, ConversationState>();
  readonly #isPinned: (conversationId: string) => boolean;
  readonly #onEvict: (conversationId: string) => void;

  constructor(options: ConversationCacheOptions) {
    this.#isPinned = options.isPinned;
    this.#onEvict = options.onEvict;
    this.#lru = new LRUCache<string, ConversationState>({
      max: options.max,
      ttl: options.idleMs,
      // Read performance.now() when asked, not through a timer per read.
      ttlResolution: 0,
      dispose: (state, conversationId, reason) => {
        if (reason !== 'evict' && reason !== 'expire') return;
        if (this.#isPinned(conversationId)) this.#held.set(conversationId, state);
        else this.#onEvict(conversationId);
      },
    });
  }

  /** Conversations in memory. */
  get size(): number {
    return this.#lru.size + this.#held.size;
  }

  /** A conversation's latest version, marked as just used (a turn). */
  get(conversationId: string): ConversationState | undefined {
    return this.#lru.get(conversationId) ?? this.#held.get(conversationId);
  }

  /** A conversation's latest version, without marking it used (reads from outside a turn). */
  peek(conversationId: string): ConversationState | undefined {
    return this.#lru.peek(conversationId) ?? this.#held.get(conversationId);
  }

  /** Keeps a conversation's latest version; its idle time starts again. */
  set(conversationId: string, state: ConversationState): void {
    if (this.#held.size > 0) this.#held.delete(conversationId);
    this.#lru.set(conversationId, state);
  }

  /** Forgets a conversation's version (another process stored a newer one). */
  delete(conversationId: string): void {
    this.#held.delete(conversationId);
    this.#lru.delete(conversationId);
  }

  /** A conversation's turns are over: an entry held aside for them leaves now. */
  unpinned(conversationId: string): void {
    if (this.#held.size > 0 && this.#held.delete(conversationId)) this.#onEvict(conversationId);
  }

  /**
   * Drops the conversations idle at `now` (real time; later than now drops those that will be
   * idle by then) but those with a turn queued or running. Returns how many went.
   */
  evictIdle(now = Date.now()): number {
    const before = this.size;
    // Idle by now: out, or held aside while pinned (see `dispose`).
    this.#lru.purgeStale();
    const ahead = now - Date.now();
    if (ahead > 0) {
      for (const conversationId of [...this.#lru.rkeys()]) {
        // Its remaining idle time (as of real now) runs out before `now`.
        if (this.#lru.getRemainingTTL(conversationId) >= ahead) continue;
        if (this.#isPinned(conversationId)) continue;
        this.#lru.delete(conversationId);
        this.#onEvict(conversationId);
      }
    }
    return before - this.size;
  }
}
