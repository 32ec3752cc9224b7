import { TelegramError } from 'telegraf';

/** How often a send refused with 429 is tried again before the error goes to the engine. */
const MAX_ATTEMPTS = 5;
/** Chats whose last send time is kept, at most: older ones are forgotten (they are past due). */
const KEPT_CHATS = 10_000;

/** How the pacer waits and tells time (real time: Telegram's limits are wall-clock limits). */
export interface PacerTiming {
  sleep(ms: number): Promise<void>;
  now(): number;
}

const realTiming: PacerTiming = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => performance.now(),
};

/** The error code and `retry_after` of a Bot API refusal, or null for any other error. */
export function apiRefusal(error: unknown): { code: number; retryAfterS: number | null } | null {
  if (!(error instanceof TelegramError)) return null;
  return { code: error.code, retryAfterS: error.parameters?.retry_after ?? null };
}

/**
 * Telegram's sending limits (issue 14): at most one message every `perChatIntervalMs` to a chat
 * and `perSecond` to all chats together. Sends to one chat run one after another in the order
 * they were asked for; a 429 waits its `retry_after` and tries the same send again before any
 * later one of that chat, so order is never lost.
 */
export class Pacer {
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #lastSent = new Map<string, number>();
  #nextSlot = 0;
  /** Sends refused with 429 and tried again (for tests and logs). */
  retried = 0;

  constructor(
    private readonly perChatIntervalMs: number,
    private readonly perSecond: number,
    private readonly timing: PacerTiming = realTiming,
  ) {}

  /** Runs `send` for `chatId` after that chat's earlier sends, within the limits. */
  run<T>(chatId: string, send: () => Promise<T>): Promise<T> {
    const previous = this.#chains.get(chatId) ?? Promise.resolve();
    const next = previous.then(
      () => this.#paced(chatId, send),
      () => this.#paced(chatId, send),
    );
    this.#chains.set(chatId, next);
    const forget = () => {
      if (this.#chains.get(chatId) === next) this.#chains.delete(chatId);
    };
    next.then(forget, forget);
    return next;
  }

  async #paced<T>(chatId: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.#waitForSlot(chatId);
      try {
        return await send();
      } catch (error) {
        const refusal = apiRefusal(error);
        if (refusal?.code !== 429 || attempt >= MAX_ATTEMPTS) throw error;
        this.retried++;
        await this.timing.sleep((refusal.retryAfterS ?? 1) * 1000);
      } finally {
        this.#remember(chatId);
      }
    }
  }

  async #waitForSlot(chatId: string): Promise<void> {
    const now = this.timing.now();
    const chatReady = (this.#lastSent.get(chatId) ?? -Infinity) + this.perChatIntervalMs;
    const slot = Math.max(now, chatReady, this.#nextSlot);
    this.#nextSlot = slot + 1000 / this.perSecond;
    if (slot > now) await this.timing.sleep(slot - now);
  }

  #remember(chatId: string): void {
    this.#lastSent.delete(chatId);
    this.#lastSent.set(chatId, this.timing.now());
    if (this.#lastSent.size > KEPT_CHATS)
      this.#lastSent.delete(this.#lastSent.keys().next().value!);
  }
}
