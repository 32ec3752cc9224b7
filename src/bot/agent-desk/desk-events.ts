/**
 * What the agent console is told live (server-sent events): the queue changed, a customer wrote,
 * an agent acted. In-process: each process tells its own consoles; a console also refreshes
 * the queue now and then, so work queued through another process shows within seconds.
 */
import { EventEmitter } from 'node:events';
import type { SupportLevel } from '../../domain/cases/case.ts';

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

/** A small in-process bus (one listener per open console). */
export class DeskEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Every open console listens: many agents are not a leak.
    this.#emitter.setMaxListeners(0);
  }

  publish(event: DeskEvent): void {
    this.#emitter.emit('event', event);
  }

  /** Listens until the returned function is called. */
  subscribe(listener: (event: DeskEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
