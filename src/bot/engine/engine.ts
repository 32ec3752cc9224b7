import { randomUUID } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import type { AnyStateMachine, Snapshot } from 'xstate';
import type { Clock } from '../../domain/clock.ts';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import { sanitiseText } from '../../domain/text.ts';
import type { ChannelKind } from '../../domain/types.ts';
import type { FlowInput } from '../../flows/contract.ts';
import { LiveFlow, type TurnResult } from '../../flows/run-turn.ts';
import type { Translator } from '../i18n.ts';
import { ConversationCache } from './conversation-cache.ts';
import { Delivery, portsByKind } from './delivery.ts';
import { VersionConflictsExhausted, turnError } from './errors.ts';
import { channelOfConversation, validateInbound } from './inbound.ts';
import { agentInputKey, customerInputKey, timerInputKey, type InputKey } from './input-key.ts';
import { LiveFlows } from './live-flows.ts';
import { legacyCustomerInputKey } from './migrations/2026-11-28-input-keys.ts';
import {
  conversationIdOf,
  type ChannelPort,
  type InboundMessage,
  type OutboundMessage,
  type TurnOutcome,
} from './messages.ts';
import type { ConversationState, TranscriptEntry } from './state.ts';
import type { ConversationTimer, EngineStores } from './store/index.ts';
import {
  deadlineChanges,
  finishTurn,
  repliesOf,
  startTurn,
  versionThatAnswered,
  type AgentAction,
  type HandoffNotice,
  type TurnDraft,
  type TurnInput,
} from './turn/index.ts';

export type { HandoffNotice } from './turn/index.ts';

export type { TurnOutcome } from './messages.ts';

/** How long a turn's flow may wait on its services (the database) before it fails. */
const FLOW_TURN_TIMEOUT_MS = 30_000;
/** Version conflicts a turn retries before it gives up. */
const MAX_ATTEMPTS = 50;
/**
 * How long a message that arrived before its predecessor (by the network's `sequence`) waits
 * for it — on this process or another — before it is applied all the same (real time).
 */
const ORDER_WAIT_MS = 2_000;

/** Where the engine tells what it did not expect but went on from (pino's shape). */
export interface EngineLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** What an engine is built with: its stores, flow, text, time, policy, channels and limits. */
export interface EngineOptions {
  stores: EngineStores;
  /** The conversation machine with its services provided. */
  machine: AnyStateMachine;
  translator: Translator;
  clock: Clock;
  policy: PolicyConfig;
  /** One port per enabled network: input from any other network is refused. */
  channels: readonly ChannelPort[];
  /**
   * Hand-off: where messages of queued and agent-held conversations go (agent console). Called
   * once the version is stored, once per stored version.
   */
  onHandoff?: (notice: HandoffNotice) => void;
  /** How long an idle conversation stays in memory. */
  idleMs?: number;
  maxCached?: number;
  /** Machines kept running between turns (the most recently active conversations). */
  maxLiveFlows?: number;
  /** Turns running at once in this process; the rest wait their turn (admission control). */
  maxConcurrentTurns?: number;
  /** How long a message waits for its predecessor (`InboundMessage.sequence`); real time. */
  orderWaitMs?: number;
  log?: EngineLog;
  processId?: string;
}

/** The turn a conversation's flow is running, as its services may need it. */
export interface RunningTurn {
  /** The input the turn answers: a service derives its idempotency key from it. */
  readonly inputKey: InputKey;
  /** The session's transcript so far, this turn's customer line included (R001-7). */
  readonly transcript: TranscriptEntry[];
  /**
   * The idempotency key of the turn's next side effect: the input's key, the effect's place in
   * the turn and its name. A turn run again for the same input (a lost race, a crash, another
   * process) asks for its effects in the same order and gets the same keys.
   */
  effectKey(service: string): string;
}

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
  readonly stats = {
    answered: 0,
    duplicates: 0,
    conflicts: 0,
    cacheMisses: 0,
    delivered: 0,
    /** Messages applied before their predecessor arrived, after waiting for it. */
    outOfOrder: 0,
  };
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
  #suspects = new Set<string>();

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
    if (clean.sequence !== undefined) await this.#afterPredecessor(conversationId, clean.sequence);
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

  /** An agent acts on a conversation in hand-off mode (decision 5). */
  async agentAction(
    conversationId: string,
    action: AgentAction,
    agent: string,
    actionId: string,
    text = '',
  ): Promise<TurnOutcome> {
    this.#delivery.portOf(conversationId, channelOfConversation(conversationId));
    return this.#serial(conversationId, () =>
      this.#turn(conversationId, {
        kind: 'agent',
        key: agentInputKey(conversationId, actionId),
        action,
        agent,
        text: sanitiseText(text),
      }),
    );
  }

  /**
   * The replies that answered a customer's message, as they were delivered (same `deliveryId`s):
   * what a resent message that was already answered gets back. Empty when the message was not
   * answered (yet), or too long ago to be among the conversation's last answered inputs.
   */
  async answerTo(conversationId: string, messageId: string): Promise<OutboundMessage[]> {
    const latest = await this.state(conversationId);
    if (!latest) return [];
    const keys = [
      customerInputKey(conversationId, messageId),
      legacyCustomerInputKey(channelOfConversation(conversationId), messageId),
    ];
    const version = versionThatAnswered(latest, keys);
    if (version === null) return [];
    const answering =
      version === latest.version
        ? latest
        : await this.#stores.versions.read(conversationId, version);
    return answering ? repliesOf(answering, this.#o.translator) : [];
  }

  /**
   * The replies of a conversation's versions after `after` (a version number; 0: from the
   * first), at most `limit` versions: how a channel without push (a client that polls) gets
   * every reply, those of timers and agents too. `cursor` is the last version read: ask again
   * from it.
   */
  async repliesSince(
    conversationId: string,
    after: number,
    limit = 50,
  ): Promise<{ replies: OutboundMessage[]; cursor: number }> {
    const latest = await this.state(conversationId);
    if (!latest || latest.version <= after) return { replies: [], cursor: latest?.version ?? 0 };
    const last = Math.min(latest.version, Math.max(0, after) + limit);
    const replies: OutboundMessage[] = [];
    for (let v = Math.max(0, after) + 1; v <= last; v++) {
      const state =
        v === latest.version ? latest : await this.#stores.versions.read(conversationId, v);
      if (state) replies.push(...repliesOf(state, this.#o.translator));
    }
    return { replies, cursor: last };
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

  /**
   * Delivers outboxes a dead process stored but did not deliver. A journaled version is taken for
   * abandoned when an earlier sweep of this process already saw it: live processes deliver in
   * milliseconds, so call this twice, some seconds apart (real time, not the business clock).
   */
  async recoverDeliveries(): Promise<number> {
    const records = await this.#stores.journal.pendingRecords();
    const keyOf = (r: { id: string; bucket: number }) => `${r.bucket}/${r.id}`;
    const abandoned = records.filter((r) => this.#suspects.has(keyOf(r)));
    this.#suspects = new Set(records.filter((r) => !this.#suspects.has(keyOf(r))).map(keyOf));
    let count = 0;
    for (const state of await this.#stores.versions.statesOf(abandoned)) {
      await this.#serial(state.conversationId, async () => {
        await this.#delivery.deliver(state, repliesOf(state, this.#o.translator));
        count++;
      });
    }
    return count;
  }

  /**
   * Waits until the conversation applied the message before this one (`sequence` − 1), on this
   * process or another, at most `orderWaitMs`; then goes on all the same, and says so. A
   * conversation that never had numbered messages has nothing to wait for.
   */
  async #afterPredecessor(conversationId: string, sequence: number): Promise<void> {
    const inOrder = (state: ConversationState | null | undefined) =>
      sequence === 1 ||
      (state !== null && state !== undefined && (state.lastSequence ?? sequence) >= sequence - 1);
    const cached = this.#cache.peek(conversationId);
    if (inOrder(cached)) return;
    const deadline = Date.now() + (this.#o.orderWaitMs ?? ORDER_WAIT_MS);
    let known = cached?.version ?? 0;
    for (let wait = 10; Date.now() < deadline; wait = Math.min(wait * 2, 100)) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      // Read the database: the predecessor may be applied by another process.
      const latest = await this.#stores.versions.latest(conversationId, known);
      if (inOrder(latest)) return;
      known = latest?.version ?? known;
    }
    this.stats.outOfOrder++;
    const latest = this.#cache.peek(conversationId);
    this.#o.log?.warn(
      { conversationId, sequence, lastSequence: latest?.lastSequence ?? null },
      'a message is applied before the one the network numbered before it',
    );
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

        let flow: LiveFlow | null = null;
        let result: TurnResult | null = null;
        if (start.event) {
          // The machine still running from this process's turn that stored `current`, if any;
          // else restored from the stored snapshot.
          flow =
            this.#flows.take(conversationId, current?.version, start.fresh) ?? this.#restore(start);
          this.#running.set(conversationId, { draft: start, effects: 0 });
          try {
            result = await flow.turn(start.event, FLOW_TURN_TIMEOUT_MS);
          } catch (error) {
            flow.stop();
            throw error;
          } finally {
            this.#running.delete(conversationId);
          }
          if (!flow.usable) flow = null;
        }
        const turn = finishTurn(start, result, this.#o.translator);

        let outcome: 'inserted' | 'duplicate';
        try {
          // Timers first: a process killed after this and before the state insert leaves a
          // timer that fires into a state without its deadline (ignored), never a deadline
          // without a timer.
          await this.#scheduleDeadlines(current, turn.next);
          outcome = await this.#stores.versions.insert(turn.next);
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

  async #scheduleDeadlines(
    previous: ConversationState | null,
    next: ConversationState,
  ): Promise<void> {
    const { added, removed } = deadlineChanges(previous, next);
    if (added.length > 0) {
      await Promise.all(
        added.map((d) =>
          this.#stores.timers.schedule({
            _id: d.id,
            conversationId: next.conversationId,
            kind: d.kind,
            dueAt: d.dueAt,
          }),
        ),
      );
    }
    if (removed.length > 0) this.#stores.timers.cancel(removed);
  }

  #notify(notices: readonly HandoffNotice[]): void {
    const onHandoff = this.#o.onHandoff;
    if (onHandoff) for (const notice of notices) onHandoff(notice);
  }
}

export type { TranscriptEntry };
export type { Reply } from '../../flows/contract.ts';
