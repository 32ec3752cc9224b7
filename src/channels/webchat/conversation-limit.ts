import { LRUCache } from 'lru-cache';

/**
 * How many new conversations an address may open in a window (Chatwoot allows about six web
 * widget conversations per address in twelve hours). A fixed window per address, in an LRU:
 * bounded memory; a forgotten address starts again, which errs towards letting a visitor in.
 */
export class ConversationLimit {
  readonly #windows: LRUCache<string, { count: number; until: number }>;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {
    this.#windows = new LRUCache({ max: 50_000 });
  }

  /** Counts a new conversation: 0 when admitted, else the seconds until the address may again. */
  take(address: string): number {
    const now = this.now();
    const window = this.#windows.get(address);
    if (!window || window.until <= now) {
      this.#windows.set(address, { count: 1, until: now + this.windowMs });
      return 0;
    }
    if (window.count >= this.max) return Math.ceil((window.until - now) / 1000);
    window.count++;
    return 0;
  }
}
