/** What a conversation engine is built with, and what it tells a running turn's services. */
import type { AnyStateMachine } from 'xstate';
import type { Clock } from '../../domain/clock.ts';
import type { PolicyConfig } from '../../domain/policy/index.ts';
import type { Translator } from '../i18n.ts';
import type { InputKey } from './input-key.ts';
import type { PersonStanding } from './person-standing.ts';
import type { ChannelPort } from './messages.ts';
import type { TranscriptEntry } from './state.ts';
import type { EngineStores } from './store/index.ts';
import type { HandoffNotice } from './turn/index.ts';

/**
 * How long a message that arrived before its predecessor (by the network's `sequence`) waits
 * for it — on this process or another — before it is applied all the same (real time).
 */
export const ORDER_WAIT_MS = 2_000;

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
  /** R001-11: the standing of the person starting a session (absent: identification reads it). */
  personStanding?: PersonStanding;
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

/** An engine's counters, for metrics: turns answered, duplicates dropped, conflicts retried… */
export function newEngineStats() {
  return {
    answered: 0,
    duplicates: 0,
    conflicts: 0,
    cacheMisses: 0,
    delivered: 0,
    /** Messages applied before their predecessor arrived, after waiting for it. */
    outOfOrder: 0,
  };
}
