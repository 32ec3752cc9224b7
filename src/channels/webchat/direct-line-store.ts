import { LRUCache } from 'lru-cache';
import type { ActivityLike } from './activities.ts';

/** Activities kept per conversation (the oldest are forgotten past it). */
const KEPT_ACTIVITIES = 500;
/** Direct Line conversations kept in memory, least recently used forgotten first. */
const KEPT_CONVERSATIONS = 20_000;

/** Someone reading a conversation's activities as they come (a WebSocket stream). */
export type ActivityListener = (activities: ActivityLike[], watermark: string) => void;

interface Conversation {
  readonly id: string;
  readonly userId: string;
  /** The activities kept, the first being number `base`. */
  readonly activities: ActivityLike[];
  base: number;
  /** The last timestamp given (ms): each next one is later, so Web Chat keeps the order. */
  lastAt: number;
  readonly listeners: Set<ActivityListener>;
}

/**
 * The activities of each Direct Line conversation atiende serves, in order, each numbered: the
 * watermark is the number of the next one. The visitor's own messages (the echo Web Chat waits
 * for) and the bot's replies go in; polls and streams read from a watermark. Memory only and
 * bounded: a restart loses what was on screen, not the conversation (the engine has it).
 */
export class DirectLineStore {
  readonly #conversations = new LRUCache<string, Conversation>({ max: KEPT_CONVERSATIONS });

  /** Opens a conversation for a user, or finds it (a restart: it starts again empty). */
  open(conversationId: string, userId: string): void {
    if (this.#conversations.has(conversationId)) return;
    this.#conversations.set(conversationId, {
      id: conversationId,
      userId,
      activities: [],
      base: 0,
      lastAt: 0,
      listeners: new Set(),
    });
  }

  /** The user a conversation belongs to, or null when it is not kept. */
  userOf(conversationId: string): string | null {
    return this.#conversations.get(conversationId)?.userId ?? null;
  }

  /** The conversation of a user, by its Direct Line id; null when not kept. */
  has(conversationId: string): boolean {
    return this.#conversations.has(conversationId);
  }

  /**
   * Adds an activity (numbered, its id and timestamp given) and tells the listeners; returns its
   * id. Timestamps are the transport's, in real time (as Azure's Direct Line stamps them), and
   * strictly increasing: Web Chat orders a conversation by them.
   */
  append(conversationId: string, activity: ActivityLike): string | null {
    const conversation = this.#conversations.get(conversationId);
    if (!conversation) return null;
    conversation.lastAt = Math.max(Date.now(), conversation.lastAt + 1);
    const at = new Date(conversation.lastAt);
    const number = conversation.base + conversation.activities.length;
    const stored: ActivityLike = {
      ...activity,
      id: `${conversationId}|${String(number).padStart(7, '0')}`,
      timestamp: at.toISOString(),
      channelId: 'directline',
      conversation: { id: conversationId },
    };
    conversation.activities.push(stored);
    if (conversation.activities.length > KEPT_ACTIVITIES) {
      conversation.activities.shift();
      conversation.base++;
    }
    const watermark = String(number + 1);
    for (const listener of conversation.listeners) listener([stored], watermark);
    return stored.id!;
  }

  /** The activities from `watermark` on, and the next watermark. */
  since(
    conversationId: string,
    watermark: number,
  ): { activities: ActivityLike[]; watermark: string } {
    const conversation = this.#conversations.get(conversationId);
    if (!conversation) return { activities: [], watermark: String(watermark) };
    // A watermark past the end was given before a restart emptied the conversation: all of it.
    const end = conversation.base + conversation.activities.length;
    const from = watermark > end ? 0 : Math.max(0, watermark - conversation.base);
    const next = conversation.base + conversation.activities.length;
    return { activities: conversation.activities.slice(from), watermark: String(next) };
  }

  /**
   * The id given to the visitor's activity that carried Web Chat's `clientActivityID` (the
   * engine's message id), so a reply points at what is on screen: Web Chat holds a reply whose
   * `replyToId` it has not seen for seconds.
   */
  idOfClientActivity(conversationId: string, clientActivityId: string): string | null {
    const activities = this.#conversations.get(conversationId)?.activities ?? [];
    for (let i = activities.length - 1; i >= 0; i--) {
      const data = activities[i]!.channelData as { clientActivityID?: unknown } | undefined;
      if (data?.clientActivityID === clientActivityId) return activities[i]!.id ?? null;
    }
    return null;
  }

  /** Listens for new activities; returns the function that stops listening. */
  listen(conversationId: string, listener: ActivityListener): () => void {
    const conversation = this.#conversations.get(conversationId);
    if (!conversation) return () => undefined;
    conversation.listeners.add(listener);
    return () => conversation.listeners.delete(listener);
  }
}
