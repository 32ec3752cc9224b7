import { createActor, type AnyStateMachine, type Snapshot } from 'xstate';
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
 * Runs one turn of a conversation: restores the machine from its persisted snapshot (or starts
 * it with `input`), sends the event, and waits until the machine rests again — in a state tagged
 * `awaitingInput`, or finished — so every actor it invoked has settled before the snapshot is
 * taken. Pure apart from the provided actors; the engine persists the result.
 */
export async function runTurn(
  machine: AnyStateMachine,
  previous: Snapshot<unknown> | null,
  input: FlowInput,
  event: FlowEvent | null,
  timeoutMs = 10_000,
): Promise<TurnResult> {
  const emitted: FlowEmitted[] = [];
  const actor = createActor(machine, previous ? { snapshot: previous, input } : { input });
  actor.on('*', (e: FlowEmitted) => emitted.push(e));
  let failure: unknown = null;
  actor.subscribe({ error: (err) => (failure = err) });
  actor.start();
  if (event) actor.send(event);

  const atRest = (s: ReturnType<typeof actor.getSnapshot>) =>
    s.status !== 'active' ||
    (s.hasTag(AWAITING_INPUT) && Object.keys(s.children).every((id) => !isRunning(s.children[id])));

  if (!atRest(actor.getSnapshot())) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.unsubscribe();
        actor.stop(); // nothing of an abandoned turn may go on in the background
        reject(new FlowTurnTimeout(`the flow did not come to rest within ${timeoutMs} ms`));
      }, timeoutMs);
      const sub = actor.subscribe({
        next: (s) => {
          if (atRest(s)) {
            clearTimeout(timer);
            sub.unsubscribe();
            resolve();
          }
        },
        error: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }
  const snapshot = actor.getSnapshot();
  const persisted = actor.getPersistedSnapshot() as Snapshot<unknown>;
  actor.stop();
  if (failure || snapshot.status === 'error') throw failure ?? snapshot.error;
  return { snapshot: persisted, emitted, done: snapshot.status === 'done' };
}

function isRunning(child: unknown): boolean {
  const snap = (child as { getSnapshot?: () => { status: string } } | undefined)?.getSnapshot?.();
  return snap?.status === 'active';
}
