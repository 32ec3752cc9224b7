import { createActor, waitFor, type AnyStateMachine, type Snapshot } from 'xstate';
import type { FlowEmitted, FlowEvent, FlowInput } from './contract.ts';

/** The tag every state that waits for the customer (or an agent, or a timer) carries. */
export const AWAITING_INPUT = 'awaitingInput';

/** The result of one turn: the snapshot to persist and what the machine emitted, in order. */
export interface TurnResult {
  snapshot: Snapshot<unknown>;
  emitted: FlowEmitted[];
  done: boolean;
}

export class FlowTurnTimeout extends Error {
  readonly code = 'FLOW_TURN_TIMEOUT';
}

/**
 * A conversation's machine, running: restored once from its persisted snapshot (or started with
 * its input) and then fed one event per turn. Between turns it rests — in a state tagged
 * `awaitingInput` with every invoked actor settled, or finished — so nothing runs in the
 * background; the flows use no XState `after` timers (deadlines are the engine's data).
 * Keeping one alive between turns saves restoring the machine every turn; a flow whose turn
 * failed or timed out is stopped and must not be used again.
 */
export class LiveFlow {
  readonly #actor;
  #emitted: FlowEmitted[] = [];
  #failure: unknown = null;
  #usable = true;

  constructor(machine: AnyStateMachine, previous: Snapshot<unknown> | null, input: FlowInput) {
    this.#actor = createActor(machine, previous ? { snapshot: previous, input } : { input });
    this.#actor.on('*', (e: FlowEmitted) => this.#emitted.push(e));
    this.#actor.subscribe({ error: (err) => (this.#failure = err) });
    this.#actor.start();
  }

  /** Whether the flow can take another turn (it rested after the last one and is not done). */
  get usable(): boolean {
    return this.#usable;
  }

  /**
   * Sends the event (none: just come to rest after starting) and resolves when the machine
   * rests again, with the persisted snapshot and what was emitted since the previous turn.
   */
  async turn(event: FlowEvent | null, timeoutMs = 10_000): Promise<TurnResult> {
    if (!this.#usable) throw new Error('this flow was stopped or failed: restore it');
    this.#usable = false;
    const actor = this.#actor;
    if (event) actor.send(event);
    if (!atRest(actor.getSnapshot())) {
      try {
        await waitFor(actor, atRest, { timeout: timeoutMs });
      } catch (error) {
        // Still active: the wait timed out. A failed actor is reported below.
        const status = actor.getSnapshot().status;
        if (status === 'active') {
          actor.stop(); // nothing of an abandoned turn may go on in the background
          throw new FlowTurnTimeout(`the flow did not come to rest within ${timeoutMs} ms`);
        }
        if (!this.#failure && status !== 'error') throw error;
      }
    }
    const snapshot = actor.getSnapshot();
    if (this.#failure || snapshot.status === 'error') {
      actor.stop();
      throw this.#failure ?? snapshot.error;
    }
    const emitted = this.#emitted;
    this.#emitted = [];
    const done = snapshot.status === 'done';
    const persisted = actor.getPersistedSnapshot() as Snapshot<unknown>;
    if (done) actor.stop();
    else this.#usable = true;
    return { snapshot: persisted, emitted, done };
  }

  stop(): void {
    this.#usable = false;
    this.#actor.stop();
  }
}

/**
 * Runs one turn of a conversation: restores the machine from its persisted snapshot (or starts
 * it with `input`), sends the event, and waits until the machine rests again, so every actor it
 * invoked has settled before the snapshot is taken. Pure apart from the provided actors; the
 * engine persists the result.
 */
export async function runTurn(
  machine: AnyStateMachine,
  previous: Snapshot<unknown> | null,
  input: FlowInput,
  event: FlowEvent | null,
  timeoutMs = 10_000,
): Promise<TurnResult> {
  const flow = new LiveFlow(machine, previous, input);
  try {
    return await flow.turn(event, timeoutMs);
  } finally {
    flow.stop();
  }
}

function atRest(s: {
  status: string;
  hasTag: (tag: string) => boolean;
  children: Record<string, unknown>;
}): boolean {
  return (
    s.status !== 'active' ||
    (s.hasTag(AWAITING_INPUT) && Object.keys(s.children).every((id) => !isRunning(s.children[id])))
  );
}

function isRunning(child: unknown): boolean {
  const snap = (child as { getSnapshot?: () => { status: string } } | undefined)?.getSnapshot?.();
  return snap?.status === 'active';
}
