import { randomUUID } from 'node:crypto';
import type { AnyStateMachine, Snapshot } from 'xstate';
import type { Clock } from '../../domain/clock.ts';
import { ConfigurationError, ValidationError } from '../../domain/errors.ts';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import { CHANNEL_KINDS, isLanguage, type ChannelKind, type Language } from '../../domain/types.ts';
import type { FlowEmitted, FlowEvent, FlowInput, Reply } from '../../flows/contract.ts';
import { LiveFlow } from '../../flows/run-turn.ts';
import type { Translator } from '../i18n.ts';
import { ChannelUnavailable, VersionConflictsExhausted } from './errors.ts';
import { agentInputKey, customerInputKey, timerInputKey, type InputKey } from './input-key.ts';
import { legacyCustomerInputKey } from './migrations/2026-11-28-input-keys.ts';
import {
  conversationIdOf,
  type ChannelPort,
  type InboundMessage,
  type OutboundMessage,
} from './messages.ts';
import {
  RECENT_INPUTS,
  TRANSCRIPT_CHECKPOINT_EVERY,
  type ConversationState,
  type TranscriptEntry,
} from './state.ts';
import type { ConversationTimer, StateStore } from './state-store.ts';

/** What became of one input. */
export type TurnOutcome = 'answered' | 'duplicate' | 'ignored';

/** An input to a conversation: a customer message, a timer, or an agent's action. */
type Input =
  | {
      kind: 'customer';
      key: InputKey;
      /** The key the same message had before keys named their conversation. */
      legacyKey: string;
      message: InboundMessage;
    }
  | { kind: 'timer'; key: InputKey; timer: ConversationTimer }
  | {
      kind: 'agent';
      key: InputKey;
      action: 'takeover' | 'message' | 'release';
      agent: string;
      text: string;
    };

/** Limits that keep hostile input from growing state without bound. */
const MAX_TEXT = 4_000;
const MAX_ID = 256;
const MAX_TRANSCRIPT = 400;
/** How long a turn's flow may wait on its services (the database) before it fails. */
const FLOW_TURN_TIMEOUT_MS = 30_000;

/** A counting semaphore: at most `limit` holders at once, the rest wait in order. */
class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(limit: number) {
    this.#free = limit;
  }
  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  get waiting(): number {
    return this.#waiting.length;
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

export interface EngineOptions {
  store: StateStore;
  /** The conversation machine with its services provided. */
  machine: AnyStateMachine;
  translator: Translator;
  clock: Clock;
  policy: PolicyConfig;
  /** One port per enabled network: input from any other network is refused. */
  channels: readonly ChannelPort[];
  /** Hand-off: where messages of queued and agent-held conversations go (agent console). */
  onHandoff?: (event: {
    conversationId: string;
    kind: 'queued' | 'customer-message';
    state: ConversationState;
    text?: string;
  }) => void;
  /** How long an idle conversation stays in memory. */
  idleMs?: number;
  maxCached?: number;
  /** Machines kept running between turns (the most recently active conversations). */
  maxLiveFlows?: number;
  /** Turns running at once in this process; the rest wait their turn (admission control). */
  maxConcurrentTurns?: number;
  processId?: string;
}

interface Cached {
  state: ConversationState;
  usedAt: number;
}

/** Removes control characters (but newlines and tabs) and caps the length. */
export function sanitiseText(text: string, max = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').slice(0, max);
}

/**
 * The conversation engine: an `InboundMessage` in, the policy's conversation out, nothing lost
 * or done twice. A turn reads the latest state (from memory, else the database), runs the flow,
 * inserts version + 1 with its outbox and the id of the input it answered, then delivers.
 * Order within a conversation: one turn at a time in this process, and across processes the
 * unique (conversation, version) key: a process that lost the race reloads and retries.
 */
export class ConversationEngine {
  readonly processId: string;
  readonly #cache = new Map<string, Cached>();
  readonly #slots: Semaphore;
  /** Pending deliveries seen by the last recovery sweep. */
  #suspects = new Set<string>();
  readonly #rendered = new WeakMap<
    Reply,
    { language: Language; text: string; choices: { id: string; label: string }[] }
  >();
  readonly #queues = new Map<string, Promise<unknown>>();
  /**
   * Running machines of recently active conversations, each at the version it produced (least
   * recently used first): a turn on the next version skips restoring the machine.
   */
  readonly #flows = new Map<string, { flow: LiveFlow; version: number }>();
  readonly #o: Required<Omit<EngineOptions, 'onHandoff'>> & Pick<EngineOptions, 'onHandoff'>;
  readonly #ports: ReadonlyMap<ChannelKind, ChannelPort>;
  /** Turns answered, duplicates dropped, version conflicts retried: for metrics. */
  /** The transcript of each conversation whose flow is running, for services (R001-7). */
  readonly #running = new Map<string, TranscriptEntry[]>();
  readonly stats = { answered: 0, duplicates: 0, conflicts: 0, cacheMisses: 0, delivered: 0 };

  constructor(options: EngineOptions) {
    this.#o = {
      ...options,
      idleMs: options.idleMs ?? 5 * 60_000,
      maxCached: options.maxCached ?? 20_000,
      maxLiveFlows: options.maxLiveFlows ?? 2_000,
      maxConcurrentTurns: options.maxConcurrentTurns ?? 64,
      processId: options.processId ?? randomUUID(),
    };
    this.#slots = new Semaphore(this.#o.maxConcurrentTurns);
    this.#ports = portsByKind(options.channels);
    this.processId = this.#o.processId;
  }

  get cachedConversations(): number {
    return this.#cache.size;
  }

  /** Turns waiting for a free slot (admission control). */
  get queuedTurns(): number {
    return this.#slots.waiting;
  }

  /** The networks this engine delivers to. */
  get channels(): ChannelKind[] {
    return [...this.#ports.keys()];
  }

  /** Handles a customer's message. Redeliveries of the same (channel, messageId) are dropped. */
  async handle(message: InboundMessage): Promise<TurnOutcome> {
    const clean = validateInbound(message);
    const conversationId = conversationIdOf(clean.channel, clean.channelUserId);
    // Refused before anything is stored: a turn whose replies could not be delivered is lost.
    this.#portOf(conversationId, clean.channel);
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
    this.#portOf(timer.conversationId, channelOfConversation(timer.conversationId));
    return this.#serial(timer.conversationId, () =>
      this.#turn(timer.conversationId, {
        kind: 'timer',
        key: timerInputKey(timer._id),
        timer,
      }),
    );
  }

  /** An agent acts on a conversation in hand-off mode (decision 5). */
  async agentAction(
    conversationId: string,
    action: 'takeover' | 'message' | 'release',
    agent: string,
    actionId: string,
    text = '',
  ): Promise<TurnOutcome> {
    this.#portOf(conversationId, channelOfConversation(conversationId));
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

  /** The current session's transcript of a conversation whose turn is running. */
  transcriptOf(conversationId: string): TranscriptEntry[] {
    return (
      this.#running.get(conversationId) ?? this.#cache.get(conversationId)?.state.transcript ?? []
    );
  }

  /** The latest state of a conversation (from memory or the database). */
  async state(conversationId: string): Promise<ConversationState | null> {
    return this.#cache.get(conversationId)?.state ?? (await this.#o.store.latest(conversationId));
  }

  /** Drops idle conversations from memory: idle conversations hold no process memory. */
  evictIdle(now = Date.now()): number {
    let evicted = 0;
    for (const [id, entry] of this.#cache) {
      if (now - entry.usedAt > this.#o.idleMs && !this.#queues.has(id)) {
        this.#cache.delete(id);
        this.#dropFlow(id);
        evicted++;
      }
    }
    return evicted;
  }

  /**
   * Delivers outboxes a dead process stored but did not deliver. A journaled version is taken for
   * abandoned when an earlier sweep of this process already saw it: live processes deliver in
   * milliseconds, so call this twice, some seconds apart (real time, not the business clock).
   */
  async recoverDeliveries(): Promise<number> {
    const records = await this.#o.store.pendingRecords();
    const keyOf = (r: { id: string; bucket: number }) => `${r.bucket}/${r.id}`;
    const abandoned = records.filter((r) => this.#suspects.has(keyOf(r)));
    this.#suspects = new Set(records.filter((r) => !this.#suspects.has(keyOf(r))).map(keyOf));
    let count = 0;
    for (const state of await this.#o.store.statesOf(abandoned)) {
      await this.#serial(state.conversationId, async () => {
        await this.#deliver(state);
        count++;
      });
    }
    return count;
  }

  #serial<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.#queues.set(conversationId, tail);
    void tail.then(() => {
      if (this.#queues.get(conversationId) === tail) this.#queues.delete(conversationId);
    });
    return next;
  }

  async #turn(conversationId: string, input: Input): Promise<TurnOutcome> {
    await this.#slots.acquire();
    try {
      return await this.#turnNow(conversationId, input);
    } finally {
      this.#slots.release();
    }
  }

  async #load(conversationId: string): Promise<ConversationState | undefined> {
    const cached = this.#cache.get(conversationId);
    if (cached) {
      // Least recently used goes first: move this one to the end of the map.
      this.#cache.delete(conversationId);
      this.#cache.set(conversationId, cached);
      return cached.state;
    }
    this.stats.cacheMisses++;
    // A miss registers the conversation first (one insert, shared by group commit): a new one
    // then needs no read at all, which on FerretDB v1 would scan the states collection.
    if (await this.#o.store.isNewConversation(conversationId, this.#o.clock.now()))
      return undefined;
    return (await this.#o.store.latest(conversationId)) ?? undefined;
  }

  #remember(conversationId: string, entry: Cached): void {
    this.#cache.delete(conversationId);
    this.#cache.set(conversationId, entry);
    if (this.#cache.size <= this.#o.maxCached) return;
    for (const [id] of this.#cache) {
      if (this.#cache.size <= this.#o.maxCached) break;
      if (!this.#queues.has(id)) {
        this.#cache.delete(id);
        this.#dropFlow(id);
      }
    }
  }

  #keepFlow(conversationId: string, flow: LiveFlow, version: number): void {
    this.#flows.set(conversationId, { flow, version });
    for (const [id, live] of this.#flows) {
      if (this.#flows.size <= this.#o.maxLiveFlows) break;
      live.flow.stop();
      this.#flows.delete(id);
    }
  }

  #dropFlow(conversationId: string): void {
    this.#flows.get(conversationId)?.flow.stop();
    this.#flows.delete(conversationId);
  }

  async #turnNow(conversationId: string, input: Input): Promise<TurnOutcome> {
    // Timers and agents may act through any process: their turn reads the stored state, so a
    // process whose memory of the conversation is stale never runs side effects on it. A
    // customer's messages trust memory; the version insert still catches a stale one.
    const fresh = input.kind !== 'customer';
    // After a lost race: a version known to exist, to find the latest from by `_id` probes.
    let reloadFrom: number | null = fresh ? 0 : null;
    // The version the last attempt built on, when its insert was refused.
    let refusedOn: number | null = null;
    for (let attempt = 0; attempt < 50; attempt++) {
      const cached = reloadFrom === null ? this.#cache.get(conversationId) : undefined;
      const current =
        reloadFrom === null
          ? await this.#load(conversationId)
          : ((await this.#o.store.latest(conversationId, reloadFrom)) ?? undefined);
      // The version this process based its turn on is still the latest, yet the insert was
      // refused: not the version but the answered input was taken, by another process.
      const inputTaken = refusedOn !== null && (current?.version ?? 0) === refusedOn;
      if (inputTaken || (current && answered(current, input))) {
        if (!cached && current)
          this.#remember(conversationId, { state: current, usedAt: Date.now() });
        this.stats.duplicates++;
        return 'duplicate';
      }
      const advanced = await this.#advance(conversationId, current ?? null, input);
      if (advanced === null) return 'ignored';
      const { next, flow } = advanced;

      let outcome: Awaited<ReturnType<StateStore['insertState']>>;
      try {
        // Timers first: a process killed after this and before the state insert leaves a timer
        // that fires into a state without its deadline (ignored), never a deadline without a
        // timer.
        await this.#scheduleDeadlines(current ?? null, next);
        outcome = await this.#o.store.insertState(next);
      } catch (error) {
        flow?.stop();
        throw error;
      }
      if (outcome === 'inserted') {
        this.stats.answered++;
        const entry: Cached = { state: next, usedAt: Date.now() };
        this.#remember(conversationId, entry);
        if (flow) this.#keepFlow(conversationId, flow, next.version);
        await this.#deliver(next);
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
  }

  /**
   * The next version of a conversation for an input (null: the input changes nothing), and the
   * flow that produced it, still running, to keep if the version is stored.
   */
  async #advance(
    conversationId: string,
    current: ConversationState | null,
    input: Input,
  ): Promise<{ next: ConversationState; flow: LiveFlow | null } | null> {
    const now = this.#o.clock.now();
    const at = now.toISOString();
    const o = this.#o;

    if (input.kind === 'timer') {
      const pending = current?.deadlines.some((d) => d.id === input.timer._id) ?? false;
      if (!current || !pending || current.mode !== 'bot') return null;
    }
    if (
      input.kind === 'agent' &&
      (!current || current.mode === 'closed' || current.mode === 'bot')
    ) {
      if (input.action !== 'takeover' || !current || current.mode === 'closed') return null;
    }

    // A closed (or new) conversation written to by the customer starts a new session.
    const fresh = !current || (current.mode === 'closed' && input.kind === 'customer');
    const base: ConversationState = fresh
      ? this.#newSession(conversationId, current, input, now)
      : { ...current!, deadlines: [...current!.deadlines], transcript: [...current!.transcript] };
    const next: ConversationState = {
      ...base,
      _id: `${conversationId}:${(current?.version ?? 0) + 1}`,
      version: (current?.version ?? 0) + 1,
      answers: input.key,
      replyTo: input.kind === 'customer' ? input.message.messageId : null,
      recent: [...(current?.recent ?? []), input.key].slice(-RECENT_INPUTS),
      outbox: [],
      pendingOutbox: false,
      createdAt: now,
    };

    let event: FlowEvent | null = null;
    if (input.kind === 'customer') {
      next.transcript.push({ at: now, from: 'customer', text: input.message.text });
      event = input.message.choice
        ? { type: 'customer.choice', choice: input.message.choice, at }
        : {
            type: 'customer.text',
            text: input.message.text,
            at,
            attachments: input.message.attachments ?? [],
          };
    } else if (input.kind === 'timer') {
      next.deadlines = next.deadlines.filter((d) => d.id !== input.timer._id);
      event = { type: 'timer.chatLimit', at };
    } else {
      this.#agentInput(next, input, now);
      // The agent gave the conversation back: the flow resumes where it paused.
      if (input.action === 'release') event = { type: 'agent.release', at };
    }

    let flow: LiveFlow | null = null;
    if (next.mode === 'bot' && event) {
      this.#running.set(conversationId, next.transcript);
      // The machine still running from this process's turn that stored `current`, if any;
      // else restored from the stored snapshot.
      const live = this.#flows.get(conversationId);
      this.#flows.delete(conversationId);
      const reusable = !fresh && live?.version === current?.version && live?.flow.usable;
      if (live && !reusable) live.flow.stop();
      flow =
        live && reusable
          ? live.flow
          : new LiveFlow(
              o.machine,
              next.snapshot ? (JSON.parse(next.snapshot) as Snapshot<unknown>) : null,
              next.flowInput as unknown as FlowInput,
            );
      try {
        const result = await flow.turn(event, FLOW_TURN_TIMEOUT_MS);
        next.snapshot = JSON.stringify(result.snapshot);
        this.#applyEmitted(next, result.emitted, now);
        if (result.done && next.mode === 'bot') this.#close(next);
      } catch (error) {
        flow.stop();
        throw error;
      } finally {
        this.#running.delete(conversationId);
      }
      if (!flow.usable) flow = null;
    } else if (input.kind === 'customer') {
      // Queued or held by an agent: the flow is paused; the message goes to the agent side.
      if (next.mode === 'queued') next.outbox.push({ key: 'handoff.stillQueued' });
      o.onHandoff?.({
        conversationId,
        kind: 'customer-message',
        state: next,
        text: input.message.text,
      });
    }
    next.pendingOutbox = next.outbox.length > 0;
    for (const reply of next.outbox) {
      next.transcript.push({
        at: now,
        from: 'bot',
        text: this.#render(reply, next.language).text,
      });
    }
    // The document stores the lines this turn added; a new session, a capped transcript or
    // every TRANSCRIPT_CHECKPOINT_EVERY versions, the whole transcript.
    next.transcriptKept = fresh ? 0 : current!.transcript.length;
    next.transcriptDepth = fresh ? 0 : current!.transcriptDepth + 1;
    if (next.transcript.length > MAX_TRANSCRIPT) {
      next.transcript = next.transcript.slice(-MAX_TRANSCRIPT);
      next.transcriptKept = 0;
    }
    if (next.transcriptKept === 0 || next.transcriptDepth >= TRANSCRIPT_CHECKPOINT_EVERY) {
      next.transcriptKept = 0;
      next.transcriptDepth = 0;
    }
    return { next, flow };
  }

  #newSession(
    conversationId: string,
    previous: ConversationState | null,
    input: Input,
    now: Date,
  ): ConversationState {
    const message = input.kind === 'customer' ? input.message : null;
    const channel = (message?.channel ??
      previous?.channel ??
      conversationId.split(':')[0]) as ChannelKind;
    const channelUserId =
      message?.channelUserId ?? previous?.channelUserId ?? conversationId.slice(channel.length + 1);
    const hint = message?.localeHint?.slice(0, 2).toLowerCase();
    const language: Language = isLanguage(hint)
      ? hint
      : (previous?.language ?? this.#o.policy.language.default);
    const session = (previous?.session ?? 0) + 1;
    const flowInput: FlowInput = {
      conversationId,
      channel,
      channelUserId,
      localeHint: isLanguage(hint) ? hint : null,
      phone: message?.phone ?? null,
      displayName: message?.displayName ?? null,
      startedAt: now.toISOString(),
    };
    const chatLimitMs = this.#o.policy.fairUse.chatLimitMinutes * 60_000;
    return {
      _id: '',
      conversationId,
      version: 0,
      answers: '',
      replyTo: null,
      recent: [],
      channel,
      channelUserId,
      mode: 'bot',
      language,
      accountNumber: previous?.accountNumber ?? null,
      session,
      sessionStartedAt: now,
      snapshot: null,
      flowInput: flowInput as unknown as Record<string, unknown>,
      // R001-7: the session's 20-minute limit is a durable deadline, fired by the scheduler.
      deadlines: [
        {
          id: `${conversationId}:s${session}:chatLimit`,
          kind: 'chatLimit',
          dueAt: new Date(now.getTime() + chatLimitMs),
        },
      ],
      outbox: [],
      pendingOutbox: false,
      transcript: [],
      transcriptKept: 0,
      transcriptDepth: 0,
      handoff: null,
      createdAt: now,
    };
  }

  #applyEmitted(next: ConversationState, emitted: FlowEmitted[], _now: Date): void {
    for (const e of emitted) {
      switch (e.type) {
        case 'reply':
          next.outbox.push(e.reply);
          break;
        case 'language':
          next.language = e.language;
          break;
        case 'identified':
          next.accountNumber = e.accountNumber;
          break;
        case 'handoff':
          next.mode = 'queued';
          next.handoff = {
            reason: e.reason,
            level: e.level,
            priority: e.priority,
            caseNumber: e.caseNumber,
            agent: null,
          };
          this.#o.onHandoff?.({ conversationId: next.conversationId, kind: 'queued', state: next });
          break;
        case 'session.closed':
          this.#close(next);
          break;
      }
    }
  }

  #agentInput(next: ConversationState, input: Extract<Input, { kind: 'agent' }>, now: Date): void {
    if (input.action === 'takeover') {
      next.mode = 'agent';
      next.handoff = {
        ...(next.handoff ?? { reason: 'agent', level: 'L1', priority: 'P3', caseNumber: null }),
        agent: input.agent,
      };
      next.outbox.push({ key: 'handoff.agentJoined', params: { agent: input.agent } });
    } else if (input.action === 'message') {
      next.transcript.push({ at: now, from: 'agent', text: input.text });
      next.outbox.push({
        key: 'handoff.agentMessage',
        params: { agent: input.agent, text: input.text },
      });
    } else {
      next.mode = 'bot';
      next.outbox.push({ key: 'handoff.agentLeft', params: { agent: input.agent } });
      next.handoff = null;
    }
  }

  #close(next: ConversationState): void {
    next.mode = 'closed';
    next.deadlines = [];
  }

  async #scheduleDeadlines(
    previous: ConversationState | null,
    next: ConversationState,
  ): Promise<void> {
    const before = new Set(previous?.deadlines.map((d) => d.id) ?? []);
    const added = next.deadlines.filter((d) => !before.has(d.id));
    const kept = new Set(next.deadlines.map((d) => d.id));
    const removed = (previous?.deadlines ?? [])
      .filter((d) => !kept.has(d.id))
      .map((d) => ({ id: d.id, dueAt: d.dueAt }));
    await Promise.all(
      added.map((d) =>
        this.#o.store.scheduleTimer({
          _id: d.id,
          conversationId: next.conversationId,
          kind: d.kind,
          dueAt: d.dueAt,
        }),
      ),
    );
    if (removed.length > 0) this.#o.store.cancelTimers(removed);
  }

  /** Renders a reply once: for the transcript and again for delivery. */
  #render(reply: Reply, language: Language) {
    const memo = this.#rendered.get(reply);
    if (memo && memo.language === language) return memo;
    const rendered = { language, ...this.#o.translator.render(reply, language) };
    this.#rendered.set(reply, rendered);
    return rendered;
  }

  /** The port of a conversation's network, or `ChannelUnavailable` when it is not enabled. */
  #portOf(conversationId: string, channel: string): ChannelPort {
    const port = this.#ports.get(channel as ChannelKind);
    if (!port)
      throw new ChannelUnavailable(conversationId, `the ${channel} channel is not enabled`);
    return port;
  }

  async #deliver(state: ConversationState): Promise<void> {
    if (state.outbox.length > 0) {
      const port = this.#portOf(state.conversationId, state.channel);
      for (const [index, reply] of state.outbox.entries()) {
        const rendered = this.#render(reply, state.language);
        const message: OutboundMessage = {
          deliveryId: `${state._id}:${index}`,
          conversationId: state.conversationId,
          channel: state.channel,
          channelUserId: state.channelUserId,
          language: state.language,
          reply,
          inReplyTo: state.replyTo,
          text: rendered.text,
          choices: rendered.choices,
        };
        await port.deliver(message);
        this.stats.delivered++;
      }
      // The reply is out: its mark need not hold up the turn. A mark that fails leaves the
      // record pending and the recovery sweep resends, which is the safe side.
      void this.#o.store.settle(state._id).catch(() => undefined);
    }
  }
}

/** One port per network; two for one network is a wiring mistake. */
function portsByKind(channels: readonly ChannelPort[]): Map<ChannelKind, ChannelPort> {
  const ports = new Map<ChannelKind, ChannelPort>();
  for (const port of channels) {
    if (ports.has(port.kind))
      throw new ConfigurationError(`two channels deliver to ${JSON.stringify(port.kind)}`);
    ports.set(port.kind, port);
  }
  return ports;
}

/** The network of a conversation, from its id (`<channel>:<user>`). */
function channelOfConversation(conversationId: string): string {
  return conversationId.slice(0, Math.max(0, conversationId.indexOf(':')));
}

/** Whether a version (or one of the versions before it) answered this input. */
function answered(state: ConversationState, input: Input): boolean {
  return (
    state.recent.includes(input.key) ||
    (input.kind === 'customer' && state.recent.includes(input.legacyKey))
  );
}

function validateInbound(message: InboundMessage): InboundMessage {
  if (!message || typeof message !== 'object')
    throw new ValidationError('an inbound message must be an object');
  if (!(CHANNEL_KINDS as readonly string[]).includes(message.channel)) {
    throw new ValidationError(`unknown channel ${JSON.stringify(message.channel)}`);
  }
  for (const field of ['channelUserId', 'messageId'] as const) {
    const value = message[field];
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID) {
      throw new ValidationError(
        `${field} must be a non-empty string of at most ${MAX_ID} characters`,
      );
    }
  }
  if (typeof message.text !== 'string') throw new ValidationError('text must be a string');
  return {
    ...message,
    text: sanitiseText(message.text),
    choice: typeof message.choice === 'string' ? message.choice.slice(0, MAX_ID) : undefined,
  };
}

export type { TranscriptEntry, Reply };
