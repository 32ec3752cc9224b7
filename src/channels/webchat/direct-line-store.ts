import { LRUCache } from 'lru-cache';
import type { ChannelLogs, LoggedEntry } from '../../domain/channel-log/index.ts';
import type { ActivityLike } from './activities.ts';

/** Activities given by one poll or one push at most (the client asks again from the watermark). */
const PAGE = 100;
/** Web Chat client ids remembered, to point a reply at the visitor's activity on screen. */
const KEPT_CLIENT_IDS = 50_000;
/** How often an open stream looks for activities another process added (ms). */
export const DEFAULT_STREAM_POLL_MS = 1_000;

/** Someone reading a conversation's activities as they come (a WebSocket stream). */
export type ActivityListener = (activities: ActivityLike[], watermark: string) => void;

/** A stream's reading: from its watermark on, one read at a time. */
interface Reader {
  watermark: number;
  reading: boolean;
  again: boolean;
  readonly listener: ActivityListener;
}

/**
 * The activities of each Direct Line conversation atiende serves, in order, each numbered: the
 * watermark is the number of the next one. The visitor's own messages (the echo Web Chat waits
 * for) and the bot's replies go in; polls and streams read from a watermark. They are kept in
 * the database (`ChannelLogs`), so any process serves any poll or stream and a restart loses
 * nothing on the visitor's screen: a reply given by another process reaches an open stream
 * within a poll period, one given here at once.
 */
export class DirectLineStore {
  readonly #readers = new Map<string, Set<Reader>>();
  readonly #clientIds = new LRUCache<string, string>({ max: KEPT_CLIENT_IDS });
  /** The streams' reads under way (a stop waits for them before the database closes). */
  readonly #reads = new Set<Promise<void>>();
  readonly #polls = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(
    private readonly logs: ChannelLogs,
    private readonly now: () => Date,
    private readonly onError: (error: unknown) => void,
    private readonly pollMs = DEFAULT_STREAM_POLL_MS,
  ) {}

  /**
   * Adds an activity (numbered; its id, timestamp and conversation given) and wakes this
   * process's streams of the conversation; returns its id. Timestamps are real time (as Azure's
   * Direct Line stamps them) and strictly increasing: Web Chat orders a conversation by them.
   */
  async append(conversationId: string, activity: ActivityLike): Promise<string> {
    const logged = await this.logs.append(conversationId, keptOf(activity), this.now());
    const stored = activityOf(conversationId, logged);
    const clientId = (activity.channelData as { clientActivityID?: unknown } | undefined)
      ?.clientActivityID;
    if (typeof clientId === 'string')
      this.#clientIds.set(`${conversationId}|${clientId}`, stored.id!);
    for (const reader of this.#readers.get(conversationId) ?? [])
      this.#read(conversationId, reader);
    return stored.id!;
  }

  /** The activities from `watermark` on (a page of them), and the next watermark. */
  async since(
    conversationId: string,
    watermark: number,
    limit = PAGE,
  ): Promise<{ activities: ActivityLike[]; watermark: string }> {
    const entries = await this.logs.read(conversationId, watermark, limit);
    const next = entries.length > 0 ? entries[entries.length - 1]!.number + 1 : watermark;
    return {
      activities: entries.map((entry) => activityOf(conversationId, entry)),
      watermark: String(next),
    };
  }

  /**
   * The id given to the visitor's activity that carried Web Chat's `clientActivityID` (the
   * engine's message id), so a reply points at what is on screen: Web Chat holds a reply whose
   * `replyToId` it has not seen for seconds. Null when this process did not take it.
   */
  idOfClientActivity(conversationId: string, clientActivityId: string): string | null {
    return this.#clientIds.get(`${conversationId}|${clientActivityId}`) ?? null;
  }

  /**
   * Gives a stream the activities from `watermark` on, then each new one as it comes; returns
   * the function that stops it.
   */
  listen(conversationId: string, watermark: number, listener: ActivityListener): () => void {
    const reader: Reader = { watermark, reading: false, again: false, listener };
    let readers = this.#readers.get(conversationId);
    if (!readers) this.#readers.set(conversationId, (readers = new Set()));
    readers.add(reader);
    this.#read(conversationId, reader);
    const poll = setInterval(() => this.#read(conversationId, reader), this.pollMs);
    poll.unref();
    this.#polls.add(poll);
    return () => {
      clearInterval(poll);
      this.#polls.delete(poll);
      readers.delete(reader);
      if (readers.size === 0) this.#readers.delete(conversationId);
    };
  }

  /**
   * For a stop, before the database closes: the streams read no more, and the reads under way
   * end first (a poll reading as the client closed would fail, logged as an error).
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const poll of this.#polls) clearInterval(poll);
    this.#polls.clear();
    await Promise.all(this.#reads);
  }

  /** One read at a time per stream; a wake-up during a read reads again after it. */
  #read(conversationId: string, reader: Reader): void {
    if (this.#closed) return;
    if (reader.reading) {
      reader.again = true;
      return;
    }
    reader.reading = true;
    const read = (async () => {
      try {
        do {
          reader.again = false;
          if (this.#closed) break;
          const page = await this.since(conversationId, reader.watermark);
          if (page.activities.length === 0) continue;
          reader.watermark = Number(page.watermark);
          reader.listener(page.activities, page.watermark);
          if (page.activities.length === PAGE) reader.again = true;
        } while (reader.again);
      } catch (error) {
        this.onError(error);
      } finally {
        reader.reading = false;
      }
    })();
    this.#reads.add(read);
    void read.then(() => this.#reads.delete(read));
  }
}

/**
 * What of an activity is kept and shown again: the fields Web Chat draws, never a visitor's
 * arbitrary objects (their keys could be anything, their size too).
 */
function keptOf(activity: ActivityLike): Record<string, unknown> {
  const data = (activity.channelData ?? {}) as Record<string, unknown>;
  const channelData: Record<string, string> = {};
  for (const name of ['clientActivityID', 'deliveryId', 'key'])
    if (typeof data[name] === 'string') channelData[name] = data[name];
  const kept: ActivityLike = {
    type: activity.type,
    from: activity.from && {
      id: activity.from.id,
      name: typeof activity.from.name === 'string' ? activity.from.name : undefined,
      role: activity.from.role,
    },
    text: typeof activity.text === 'string' ? activity.text : undefined,
    textFormat: activity.textFormat,
    locale: typeof activity.locale === 'string' ? activity.locale : undefined,
    replyToId: activity.replyToId,
    suggestedActions: activity.suggestedActions,
    attachments: activity.attachments?.map((file) => ({
      name: typeof file.name === 'string' ? file.name : undefined,
      contentType: typeof file.contentType === 'string' ? file.contentType : undefined,
    })),
    channelData,
  };
  // Undefined fields are left out, as JSON would.
  return JSON.parse(JSON.stringify(kept)) as Record<string, unknown>;
}

/** A logged entry as the activity Direct Line gives: its number in its id. */
function activityOf(conversationId: string, logged: LoggedEntry): ActivityLike {
  return {
    ...(logged.entry as ActivityLike),
    id: `${conversationId}|${String(logged.number).padStart(7, '0')}`,
    timestamp: logged.at.toISOString(),
    channelId: 'directline',
    conversation: { id: conversationId },
  };
}
