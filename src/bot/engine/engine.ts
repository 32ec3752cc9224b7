import { randomUUID } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Snapshot } from 'xstate';
import type { ChannelKind } from '../../domain/types.ts';
import type { FlowInput, Reply } from '../../flows/contract.ts';
import { LiveFlow, type TurnResult } from '../../flows/run-turn.ts';
import { ConversationCache } from './conversation-cache.ts';
import { DeliveryRecovery } from './delivery-recovery.ts';
import { Delivery, portsByKind } from './delivery.ts';
import { VersionConflictsExhausted, turnError } from './errors.ts';
import { channelOfConversation, validateInbound } from './inbound.ts';
import { agentInputKey, customerInputKey, noticeInputKey, timerInputKey } from './input-key.ts';
import { LiveFlows } from './live-flows.ts';
import { scheduleDeadlines } from './deadline-timers.ts';
import { inNetworkOrder } from './message-order.ts';
import { legacyCustomerInputKey } from './migrations/2026-11-28-input-keys.ts';
import { answerTo, repliesSince, type ReplyHistory } from './reply-history.ts';
import { withPersonStanding } from './person-standing.ts';
import {
  ORDER_WAIT_MS,
  newEngineStats,
  type EngineOptions,
  type RunningTurn,
} from './engine-options.ts';

import {
  conversationIdOf,
  type InboundMessage,
  type OutboundMessage,
  type TurnOutcome,
} from './messages.ts';
import { failOnOutage } from './outage-scope.ts';
import type { ConversationState, TranscriptEntry } from './state.ts';
import type { ConversationTimer, EngineStores } from './store/index.ts';
import {
  finishTurn,
  repliesOf,
  startTurn,
  type AgentAction,
  type AgentDetails,
  agentInput,
  type HandoffNotice,
  type TurnDraft,
  type TurnInput,
} from './turn/index.ts';

export type { AgentAction, AgentChatEnd, AgentClosure, HandoffNotice } from './turn/index.ts';
export type { TurnOutcome } from './messages.ts';
export type { EngineLog, EngineOptions, RunningTurn } from './engine-options.ts';

/** How long a turn's flow may wait on its services (the database) before it fails. */
const FLOW_TURN_TIMEOUT_MS = 30_000;
const MAX_ATTEMPTS = 50; // version conflicts a turn retries before it gives up
/** A turn whose flow is running, and how many effects it asked for so far. */
interface Running {
  readonly draft: TurnDraft;
  effects: number;
}

/**
 * The conversation engine: an `InboundMessage` in, the policy's conversation out, nothing lost
 * or done twice. A turn reads the latest state (from memory, else the database), runs the pure
 * core (`turn/`) around the flow, stores the deadlines' timers and then version + 1 with its
 * outbox and the input it answered, then delivers the replies and sends the hand-off notices.
 * Order within a conversation: one turn at a time in this process, and across processes the
 * unique (conversation, version) key: a process that lost the race reloads and retries.
 */
export class ConversationEngine {
  readonly processId: string;
  /** Turns answered, duplicates dropped, version conflicts retried: for metrics. */
  readonly stats = newEngineStats();
  readonly #o: EngineOptions;
  readonly #stores: EngineStores;
  readonly #delivery: Delivery;
  /** Each conversation's queue of turns: one at a time, in arrival order. */
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #cache: ConversationCache;
  readonly #flows: LiveFlows;
  readonly #admit: LimitFunction;
  /** The draft of each conversation whose flow is running, for its services. */
  readonly #running = new Map<string, Running>();
  /** Pending deliveries seen by the last recovery sweep. */
  readonly #recovery: DeliveryRecovery;

  constructor(options: EngineOptions) {
    // Wiring mistakes first, before anything else is built.
    this.#delivery = new Delivery(
      portsByKind(options.channels),
      options.stores.journal,
      this.stats,
    );
    this.#o = options;
    this.#stores = options.stores;
    this.processId = options.processId ?? randomUUID();
    this.#flows = new LiveFlows(options.maxLiveFlows ?? 2_000);
    this.#cache = new ConversationCache({
      max: options.maxCached ?? 20_000,
      idleMs: options.idleMs ?? 5 * 60_000,
      isPinned: (conversationId) => this.#queues.has(conversationId),
      onEvict: (conversationId) => this.#flows.drop(conversationId),
    });
    this.#admit = pLimit(options.maxConcurrentTurns ?? 64);
    this.#recovery = new DeliveryRecovery({
      stores: options.stores,
      serial: (id, work) => this.#serial(id, work),
      deliver: (state) => this.#delivery.deliver(state, repliesOf(state, options.translator)),
      log: options.log,
    });
  }

  get cachedConversations(): number {
    return this.#cache.size;
  }

  /** Turns waiting for a free slot (admission control). */
  get queuedTurns(): number {
    return this.#admit.pendingCount;
  }

  /** The networks this engine delivers to. */
  get channels(): ChannelKind[] {
    return this.#delivery.kinds;
  }

  /** Handles a customer's message. A redelivery (the same message id in the same conversation) is dropped. */
  async handle(message: InboundMessage): Promise<TurnOutcome> {
    const clean = validateInbound(message);
    const conversationId = conversationIdOf(clean.channel, clean.channelUserId);
    // Refused before anything is stored: a turn whose replies could not be delivered is lost.
    this.#delivery.portOf(conversationId, clean.channel);
    if (clean.sequence !== undefined) {
      await inNetworkOrder({
        conversationId,
        sequence: clean.sequence,
        cached: () => this.#cache.peek(conversationId),
        latest: (known) => this.#stores.versions.latest(conversationId, known),
        waitMs: this.#o.orderWaitMs ?? ORDER_WAIT_MS,
        outOfOrder: () => this.stats.outOfOrder++,
        log: this.#o.log,
      });
    }
    return this.#serial(conversationId, () =>
      this.#turn(conversationId, {
        kind: 'customer',
        key: customerInputKey(conversationId, clean.messageId),
        legacyKey: legacyCustomerInputKey(clean.channel, clean.messageId),
        message: clean,
      }),
    );
  }

  /** Feeds a due timer to its conversation: fires once, whichever process and however often. */
  async fire(timer: ConversationTimer): Promise<TurnOutcome> {
    this.#delivery.portOf(timer.conversationId, channelOfConversation(timer.conversationId));
    return this.#serial(timer.conversationId, () =>
      this.#turn(timer.conversationId, {
        kind: 'timer',
        key: timerInputKey(timer._id),
        timerId: timer._id,
      }),
    );
  }

  /** Issue 16: tells a conversation `reply` (a visit reminder), once per `noticeId`. */
  async notify(conversationId: string, noticeId: string, reply: Reply): Promise<TurnOutcome> {
    this.#delivery.portOf(conversationId, channelOfConversation(conversationId));
    const key = noticeInputKey(conversationId, noticeId);
    return this.#serial(conversationId, () =>
      this.#turn(conversationId, { kind: 'notice', key, reply }),
    );
  }

  /**
   * An agent acts on a conversation in hand-off mode (decision 5). `details`: the closure a
   * `close` tells the customer (R002-7), the case a `takeover` works on when it had none.
   */
  async agentAction(
    conversationId: string,
    action: AgentAction,
    agent: string,
    actionId: string,
    text = '',
    details: AgentDetails = {},
  ): Promise<TurnOutcome> {
    this.#delivery.portOf(conversationId, channelOfConversation(conversationId));
    const key = agentInputKey(conversationId, actionId);
    return this.#serial(conversationId, () =>
      this.#turn(conversationId, agentInput(key, action, agent, text, details)),
    );
  }

  /**
   * The replies that answered a customer's message, as they were delivered (same `deliveryId`s):
   * what a resent message that was already answered gets back. Empty when the message was not
   * answered (yet), or too long ago to be among the conversation's last answered inputs.
   */
  async answerTo(conversationId: string, messageId: string): Promise<OutboundMessage[]> {
    return answerTo(this.#history(conversationId), messageId);
  }

  /**
   * The replies of a conversation's versions after `after` (a version number; 0: from the
   * first), at most `limit` versions: how a channel without push (a client that polls) gets
   * every reply, those of timers and agents too. `cursor` is the last version read: ask again
   * from it.
   */
  repliesSince(
    conversationId: string,
    after: number,
    limit = 50,
  ): Promise<{ replies: OutboundMessage[]; cursor: number }> {
    return repliesSince(this.#history(conversationId), after, limit);
  }

  #history(conversationId: string): ReplyHistory {
    return {
      conversationId,
      latest: () => this.state(conversationId),
      read: (version) => this.#stores.versions.read(conversationId, version),
      translator: this.#o.translator,
    };
  }

  /** The turn whose flow is running in a conversation, if any (for the flow's services). */
  runningTurn(conversationId: string): RunningTurn | undefined {
    const running = this.#running.get(conversationId);
    if (!running) return undefined;
    const { inputKey, next } = running.draft;
    return {
      inputKey,
      transcript: next.transcript,
      effectKey: (service) => `${inputKey}/${running.effects++}:${service}`,
    };
  }

  /** The current session's transcript of a conversation whose turn is running. */
  transcriptOf(conversationId: string): TranscriptEntry[] {
    return (
      this.#running.get(conversationId)?.draft.next.transcript ??
      this.#cache.peek(conversationId)?.transcript ??
      []
    );
  }

  /** The latest state of a conversation (from memory or the database). */
  async state(conversationId: string): Promise<ConversationState | null> {
    return this.#cache.peek(conversationId) ?? (await this.#stores.versions.latest(conversationId));
  }

  /** Drops idle conversations from memory: idle conversations hold no process memory. */
  evictIdle(now = Date.now()): number {
    return this.#cache.evictIdle(now);
  }

  /** Delivers what a dead process stored and did not: call twice, seconds apart (delivery-recovery.ts). */
  recoverDeliveries(): Promise<number> {
    return this.#recovery.sweep();
  }

  /** Runs `work` after the conversation's earlier work; the queue pins it in memory. */
  #serial<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.#queues.set(conversationId, tail);
    void tail.then(() => {
      if (this.#queues.get(conversationId) !== tail) return;
      this.#queues.delete(conversationId);
      this.#cache.unpinned(conversationId);
    });
    return next;
  }

  /** A turn once admitted (at most `maxConcurrentTurns` at once). */
  #turn(conversationId: string, input: TurnInput): Promise<TurnOutcome> {
    return this.#admit(() => this.#turnNow(conversationId, input));
  }

  async #turnNow(conversationId: string, input: TurnInput): Promise<TurnOutcome> {
    // Timers and agents may act through any process: their turn reads the stored state, so a
    // process whose memory of the conversation is stale never runs side effects on it. A
    // customer's messages trust memory; the version insert still catches a stale one.
    // After a lost race: a version known to exist, to find the latest from by `_id` probes.
    let reloadFrom: number | null = input.kind === 'customer' ? null : 0;
    // The version the last attempt built on, when its insert was refused.
    let refusedOn: number | null = null;
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        let cached: ConversationState | undefined;
        let current: ConversationState | null;
        if (reloadFrom === null) {
          cached = this.#cache.get(conversationId);
          current = cached ?? (await this.#loadStored(conversationId));
        } else {
          current = await this.#stores.versions.latest(conversationId, reloadFrom);
        }
        // The version this process based its turn on is still the latest, yet the insert was
        // refused: not the version but the answered input was taken, by another process.
        const inputTaken = refusedOn !== null && (current?.version ?? 0) === refusedOn;
        const start = inputTaken
          ? 'duplicate'
          : startTurn(conversationId, current, input, this.#o.clock.now(), this.#o.policy);
        if (start === 'duplicate') {
          if (!cached && current) this.#cache.set(conversationId, current);
          this.stats.duplicates++;
          return 'duplicate';
        }
        if (start === 'ignored') return 'ignored';
        if (this.#o.personStanding) await withPersonStanding(start, this.#o.personStanding);

        const { flow, result } = await this.#runFlow(current, start);
        const turn = finishTurn(start, result, this.#o.translator);

        let outcome: 'inserted' | 'duplicate';
        try {
          // Timers first: a process killed after this and before the state insert leaves a
          // timer that fires into a state without its deadline (ignored), never a deadline
          // without a timer.
          await scheduleDeadlines(this.#stores.timers, current, turn.next);
          outcome = await this.#stores.versions.insert(turn.next, current);
        } catch (error) {
          flow?.stop();
          throw error;
        }
        if (outcome === 'inserted') {
          this.stats.answered++;
          this.#cache.set(conversationId, turn.next);
          if (flow) this.#flows.keep(conversationId, flow, turn.next.version);
          try {
            if (turn.replies.length > 0) await this.#delivery.deliver(turn.next, turn.replies);
          } finally {
            // Only now, and once: a version that lost the race or failed to store tells no one.
            this.#notify(turn.notices);
          }
          return 'answered';
        }
        flow?.stop(); // it ran ahead of a version another process stored first
        // Someone else moved first: this input was answered (the reload's `recent` says so), or
        // the version was taken (run again on the newer state).
        this.#cache.delete(conversationId);
        reloadFrom = current?.version ?? 0;
        refusedOn = reloadFrom;
        this.stats.conflicts++;
      }
      throw new VersionConflictsExhausted(conversationId, 'too many version conflicts');
    } catch (error) {
      throw turnError(conversationId, error);
    }
  }

  /**
   * Runs a drafted turn's flow, if it has an event: the machine still running from this
   * process's turn that stored `current`, else restored from the stored snapshot. A service
   * that met a database outage fails the turn (outage-scope.ts).
   */
  async #runFlow(
    current: ConversationState | null,
    start: TurnDraft,
  ): Promise<{ flow: LiveFlow | null; result: TurnResult | null }> {
    const { event, next } = start;
    if (!event) return { flow: null, result: null };
    const id = next.conversationId;
    const flow = this.#flows.take(id, current?.version, start.fresh) ?? this.#restore(start);
    this.#running.set(id, { draft: start, effects: 0 });
    try {
      const result = await failOnOutage(() => flow.turn(event, FLOW_TURN_TIMEOUT_MS));
      return { flow: flow.usable ? flow : null, result };
    } catch (error) {
      flow.stop();
      throw error;
    } finally {
      this.#running.delete(id);
    }
  }

  /** A conversation this process has no copy of: registered, then read when it exists. */
  async #loadStored(conversationId: string): Promise<ConversationState | null> {
    this.stats.cacheMisses++;
    // A miss registers the conversation first (one insert, shared by group commit): a new one
    // then needs no read at all, which on FerretDB v1 would scan the states collection.
    if (await this.#stores.versions.isNewConversation(conversationId, this.#o.clock.now()))
      return null;
    return this.#stores.versions.latest(conversationId);
  }

  /** The conversation's machine restored from the draft's snapshot (or started anew). */
  #restore(draft: TurnDraft): LiveFlow {
    const { snapshot, flowInput } = draft.next;
    return new LiveFlow(
      this.#o.machine,
      snapshot ? (JSON.parse(snapshot) as Snapshot<unknown>) : null,
      flowInput as unknown as FlowInput,
    );
  }

  #notify(notices: readonly HandoffNotice[]): void {
    const onHandoff = this.#o.onHandoff;
    if (onHandoff) for (const notice of notices) onHandoff(notice);
  }
}
