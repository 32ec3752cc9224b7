/**
 * The engine around the pure core: admission control, the running turn as the flow's services
 * see it, and errors that name the conversation they happened in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emit, fromPromise, setup } from 'xstate';
import { ConversationEngine, type RunningTurn } from '../../../src/bot/engine/engine.ts';
import { TurnFailed } from '../../../src/bot/engine/errors.ts';
import { customerInputKey } from '../../../src/bot/engine/input-key.ts';
import type { OutboundMessage } from '../../../src/bot/engine/messages.ts';
import { EngineStores } from '../../../src/bot/engine/store/index.ts';
import { createTranslator } from '../../../src/bot/i18n.ts';
import { createRuntime, type Runtime } from '../../../src/bot/runtime.ts';
import { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import type { FlowEmitted, FlowInput } from '../../../src/flows/contract.ts';
import { AWAITING_INPUT } from '../../../src/flows/run-turn.ts';
import { openTestConnection } from '../../support/database.ts';

describe('turns of the engine', () => {
  let stores: EngineStores;
  const clock = new ManualClock('2026-03-10T16:00:00Z');

  beforeAll(async () => {
    const connection = await openTestConnection();
    stores = new EngineStores(connection.db!, 'process-a', () => clock.now());
    await stores.init();
  });

  it('admits maxConcurrentTurns at once, and shows a service the turn it runs in, with its input key', async () => {
    const seen: (RunningTurn | undefined)[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const running = { of: (_id: string): RunningTurn | undefined => undefined };
    // A flow whose only service looks at the running turn, then waits for the test.
    const machine = setup({
      types: {} as {
        input: FlowInput;
        context: { conversationId: string };
        emitted: FlowEmitted;
      },
      actors: {
        look: fromPromise<void, string>(async ({ input }) => {
          seen.push(running.of(input));
          await gate;
        }),
      },
    }).createMachine({
      context: ({ input }) => ({ conversationId: input.conversationId }),
      initial: 'waiting',
      states: {
        waiting: { tags: [AWAITING_INPUT], on: { 'customer.text': 'looking' } },
        looking: {
          invoke: {
            src: 'look',
            input: ({ context }) => context.conversationId,
            onDone: {
              target: 'waiting',
              actions: emit({ type: 'reply', reply: { key: 'triage.ask' } }),
            },
          },
        },
      },
    });
    const channel = new InProcessChannel('terminal');
    const engine = new ConversationEngine({
      stores,
      machine,
      translator: createTranslator(),
      clock,
      policy: DEFAULT_POLICY,
      channels: [channel],
      maxConcurrentTurns: 1,
    });
    running.of = (id) => engine.runningTurn(id);

    const ana = engine.handle(channel.inbound('ana', 'm1', 'Hola'));
    const beto = engine.handle(channel.inbound('beto', 'm1', 'Buenas'));
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(engine.queuedTurns).toBe(1); // beto waits for ana's slot
    expect(seen).toEqual([
      {
        inputKey: customerInputKey('terminal:ana', 'm1'),
        transcript: [{ at: clock.now(), from: 'customer', text: 'Hola' }],
        effectKey: expect.any(Function),
      },
    ]);
    // The keys of the turn's effects, in the order it asks for them (issue 12).
    expect(seen[0]!.effectKey('openCase')).toBe(
      `${customerInputKey('terminal:ana', 'm1')}/0:openCase`,
    );
    expect(seen[0]!.effectKey('openFolio')).toBe(
      `${customerInputKey('terminal:ana', 'm1')}/1:openFolio`,
    );
    expect(engine.transcriptOf('terminal:ana')).toBe(seen[0]!.transcript);

    open();
    expect(await Promise.all([ana, beto])).toEqual(['answered', 'answered']);
    expect(seen[1]?.inputKey).toBe(customerInputKey('terminal:beto', 'm1'));
    expect(engine.queuedTurns).toBe(0);
    expect(engine.runningTurn('terminal:ana')).toBeUndefined();
    expect(channel.delivered.map((m) => m.reply.key)).toEqual(['triage.ask', 'triage.ask']);
  });
});

describe('a turn that fails', () => {
  let runtime: Runtime;
  afterAll(() => runtime.stop());

  it('fails with an error that names its conversation and carries the cause', async () => {
    const connection = await openTestConnection();
    const refused = new Error('the network refused the message');
    const delivered: OutboundMessage[] = [];
    runtime = await createRuntime({
      connection,
      policy: DEFAULT_POLICY,
      clock: new ManualClock('2026-03-10T16:00:00Z'),
      channels: [
        {
          kind: 'terminal',
          async deliver(message) {
            if (message.channelUserId === 'roto') throw refused;
            delivered.push(message);
          },
        },
      ],
    });
    const inbound = new InProcessChannel('terminal').inbound('roto', 'x1', 'Hola');
    const error = await runtime.engine.handle(inbound).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TurnFailed);
    expect(error).toMatchObject({
      code: 'TURN_FAILED',
      conversationId: 'terminal:roto',
      cause: refused,
    });
    expect(delivered).toEqual([]);
  });
});
