/** How fast replies go out: WhatsApp bans numbers that send like a machine. */
export interface Pacing {
  /** Least time between two messages to one chat. */
  perChatMs: number;
  /** Least time between two messages to anyone. */
  globalMs: number;
}

/** About a message a second per chat, four a second in all. */
export const DEFAULT_PACING: Pacing = { perChatMs: 900, globalMs: 250 };

/**
 * Runs each chat's sends one at a time in the order asked, spaced per chat and across chats:
 * a burst of replies goes out at a human pace, and a chat's replies never overtake each other.
 */
export class Pacer {
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #lastOfChat = new Map<string, number>();
  #nextSlot = 0;

  constructor(
    private readonly pacing: Pacing,
    /** Real time in ms (pacing is about the network, never a simulated clock). */
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Runs `send` for `chat` after the chat's earlier sends and once the pace allows. */
  run<T>(chat: string, send: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(chat) ?? Promise.resolve();
    const next = previous.then(
      () => this.#paced(chat, send),
      () => this.#paced(chat, send),
    );
    const tail = next.catch(() => undefined);
    this.#tails.set(chat, tail);
    void tail.then(() => {
      if (this.#tails.get(chat) === tail) this.#tails.delete(chat);
    });
    return next;
  }

  async #paced<T>(chat: string, send: () => Promise<T>): Promise<T> {
    const now = this.now();
    const chatReady = (this.#lastOfChat.get(chat) ?? -Infinity) + this.pacing.perChatMs;
    const slot = Math.max(now, chatReady, this.#nextSlot);
    this.#nextSlot = slot + this.pacing.globalMs;
    if (slot > now) await this.sleep(slot - now);
    try {
      return await send();
    } finally {
      this.#lastOfChat.set(chat, this.now());
      // A chat's spacing is only remembered while it matters.
      if (this.#lastOfChat.size > 10_000) this.#lastOfChat.clear();
    }
  }
}
