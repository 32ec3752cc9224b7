/**
 * What the engine relies on from a running machine: a turn that does not come to rest in time
 * fails with FlowTurnTimeout and stops the machine (nothing of it goes on in the background),
 * and a machine whose service failed reports that failure; neither is used again.
 */
import { describe, expect, it } from 'vitest';
import { fromPromise, setup } from 'xstate';
import { AWAITING_INPUT, FlowTurnTimeout, LiveFlow } from '../../../src/flows/run-turn.ts';
import type { FlowInput } from '../../../src/flows/contract.ts';

const input = { conversationId: 'terminal:ana' } as FlowInput;

/** Waits for the customer, then runs `work` (no onError: a failure fails the machine). */
function machineRunning(work: (signal: AbortSignal) => Promise<void>) {
  return setup({ actors: { work: fromPromise(({ signal }) => work(signal)) } }).createMachine({
    initial: 'waiting',
    states: {
      waiting: { tags: [AWAITING_INPUT], on: { 'customer.text': 'working' } },
      working: { invoke: { src: 'work', onDone: 'waiting' } },
    },
  });
}

const said = { type: 'customer.text', text: 'hola', at: '2026-03-10T16:00:00.000Z' } as const;

describe('a running machine', () => {
  it('rests after a turn whose service settles, and takes the next turn', async () => {
    const flow = new LiveFlow(
      machineRunning(async () => undefined),
      null,
      input,
    );
    await flow.turn(null);
    const result = await flow.turn(said, 1_000);
    expect(result.done).toBe(false);
    expect(flow.usable).toBe(true);
  });

  it('fails a turn that does not come to rest in time with FlowTurnTimeout, and stops', async () => {
    let aborted: AbortSignal | null = null;
    const flow = new LiveFlow(
      machineRunning(
        (signal) =>
          new Promise(() => {
            aborted = signal;
          }),
      ),
      null,
      input,
    );
    await flow.turn(null);
    await expect(flow.turn(said, 30)).rejects.toBeInstanceOf(FlowTurnTimeout);
    expect(flow.usable).toBe(false);
    expect(aborted!.aborted).toBe(true); // the abandoned service was stopped with the machine
    await expect(flow.turn(said)).rejects.toThrow(/stopped or failed/);
  });

  it('reports the failure of a service the flow does not handle, not a timeout', async () => {
    const flow = new LiveFlow(
      machineRunning(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('database gone');
      }),
      null,
      input,
    );
    await flow.turn(null);
    await expect(flow.turn(said, 1_000)).rejects.toThrow('database gone');
    expect(flow.usable).toBe(false);
  });
});
