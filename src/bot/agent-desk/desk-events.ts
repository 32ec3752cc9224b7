/**
 * What the agent console is told live (server-sent events): the queue changed, a customer wrote,
 * an agent acted. Each process tells its own consoles at once, and writes the event to a shared
 * log in the database that every other process reads every second or so: a console on one
 * process hears what happened on another (a customer's words handled there, a take).
 */
import { EventEmitter } from 'node:events';
import type { SupportLevel } from '../../domain/cases/case.ts';
import type { ChannelLogs } from '../../domain/channel-log/index.ts';

/** One event for the consoles. `level`: who may see it (an L1 agent sees no L2-only work). */
export type DeskEvent =
  | { type: 'queue'; conversationId: string; level: SupportLevel | null }
  | {
      type: 'message';
      conversationId: string;
      level: SupportLevel | null;
      from: 'customer' | 'agent';
      text: string;
      at: string;
    }
  | {
      /** An SLA goal of a case is due soon or was missed (R002-5, R003-6, R003-8). */
      type: 'sla';
      conversationId: string | null;
      level: SupportLevel | null;
      caseNumber: string;
      kind: 'warning' | 'breach';
      goal: string;
      due: string;
      /** The agent holding the case's conversation, if any: warned first (else its level). */
      agent: string | null;
    };

/** The shared log the processes tell each other through. */
export interface DeskFeed {
  readonly logs: ChannelLogs;
  /** This process, so it does not hear its own events twice. */
  readonly processId: string;
  /** Real time: the log is one scope per UTC day, so a day's log can be dropped whole. */
  readonly now: () => Date;
  readonly pollMs: number;
  readonly onError: (error: unknown) => void;
}

/** Events read from the log at most per poll. */
const READ_PAGE = 200;

/** A small bus per process (one listener per open console), joined to the others by a log. */
export class DeskEvents {
  readonly #emitter = new EventEmitter();
  #listeners = 0;
  #poll: NodeJS.Timeout | null = null;
  /** Where this process reads the shared log: the day's scope and the next number. */
  #cursor: { scope: string; next: number } | null = null;
  /** The read of the shared log under way, if any (a stop waits for it). */
  #reading: Promise<void> | null = null;
  #closed = false;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly feed: DeskFeed | null = null) {
    // Every open console listens: many agents are not a leak.
    this.#emitter.setMaxListeners(0);
  }

  publish(event: DeskEvent): void {
    this.#emitter.emit('event', event);
    if (!this.feed) return;
    const { logs, processId, now, onError } = this.feed;
    const write = logs.append(scopeOf(now()), { from: processId, event }, now()).catch(onError);
    // Every write waited for, not only the last: across midnight, two days' scopes append apart.
    this.#writes = Promise.all([this.#writes, write]).then(() => undefined);
  }

  /** Listens until the returned function is called. */
  subscribe(listener: (event: DeskEvent) => void): () => void {
    this.#emitter.on('event', listener);
    if (++this.#listeners === 1) this.#startReading();
    return () => {
      this.#emitter.off('event', listener);
      if (--this.#listeners === 0) this.#stopReading();
    };
  }

  /** Waits for the events this process wrote so far to be in the log (tests, shutdown). */
  async flushed(): Promise<void> {
    await this.#writes;
  }

  /**
   * For a stop, before the database closes: the shared log is read no more (the read under
   * way ends first), and the events written so far are in it.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopReading();
    await this.#reading;
    await this.flushed();
  }

  /** Reads the log while a console listens: nobody listening, nothing read. */
  #startReading(): void {
    if (!this.feed || this.#poll || this.#closed) return;
    this.#poll = setInterval(() => void this.#read(), this.feed.pollMs);
    this.#poll.unref();
    void this.#read();
  }

  #stopReading(): void {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
    this.#cursor = null;
  }

  /** Tells this process's consoles what other processes logged since the last read. */
  #read(): Promise<void> {
    if (this.#reading || this.#closed) return this.#reading ?? Promise.resolve();
    this.#reading = this.#readOnce().finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }

  async #readOnce(): Promise<void> {
    const feed = this.feed!;
    try {
      const today = scopeOf(feed.now());
      // A new reader starts at the end: consoles load the queue themselves when they open.
      this.#cursor ??= { scope: today, next: await feed.logs.end(today) };
      for (;;) {
        const cursor: { scope: string; next: number } | null = this.#cursor;
        if (!cursor || this.#closed) return;
        const entries = await feed.logs.read(cursor.scope, cursor.next, READ_PAGE);
        for (const { entry, number } of entries) {
          cursor.next = number + 1;
          if (entry.from !== feed.processId) this.#emitter.emit('event', entry.event as DeskEvent);
        }
        if (entries.length === READ_PAGE) continue;
        // The day changed and yesterday's log is read to its end: on to today's.
        if (cursor.scope !== today) this.#cursor = { scope: today, next: 0 };
        else return;
      }
    } catch (error) {
      feed.onError(error);
    }
  }
}

/** The log of one UTC day's desk events. */
function scopeOf(at: Date): string {
  return `desk.${at.toISOString().slice(0, 10)}`;
}
