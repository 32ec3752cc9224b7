/**
 * Issue 14: a network that cannot send from this process for now (a WhatsApp number another
 * process holds) must not stop recovery — nor the start, which runs it — and its replies stay
 * pending until a sweep can send them.
 */
import { describe, expect, it } from 'vitest';
import { assembleAtiende } from '../../../src/app/assemble.ts';
import type { OutboundMessage } from '../../../src/bot/engine/messages.ts';
import { ChannelUnavailable } from '../../../src/bot/engine/errors.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { openTestConnection } from '../../support/database.ts';

describe('recovery with a network that cannot send yet', () => {
  it('leaves the replies pending, does not fail the start, and sends them once it can', async () => {
    let reachable = false;
    const sent: OutboundMessage[] = [];
    const port = {
      kind: 'terminal' as const,
      async deliver(message: OutboundMessage) {
        if (!reachable) throw new ChannelUnavailable(message.conversationId, 'not connected');
        sent.push(message);
      },
    };
    const atiende = await assembleAtiende({
      database: { connection: await openTestConnection() },
      policy: DEFAULT_POLICY,
      clock: new ManualClock('2026-03-10T16:00:00Z'),
      channels: [port],
      engine: {
        schedulerPollMs: 2_147_483_647,
        housekeepingMs: 2_147_483_647,
        recoveryGraceMs: 10,
      },
    });
    const engine = atiende.runtime.engine;
    await expect(
      engine.handle({
        channel: 'terminal',
        channelUserId: 'u1',
        messageId: 'm1',
        text: 'Hola',
        receivedAt: new Date(),
      }),
    ).rejects.toThrow();
    // Two sweeps (a version is abandoned once a sweep saw it before), the port still failing.
    await engine.recoverDeliveries();
    await expect(engine.recoverDeliveries()).resolves.toBe(0);
    // start() runs the same sweeps: it does not fail.
    await atiende.start();
    expect(sent).toEqual([]);
    reachable = true;
    await engine.recoverDeliveries();
    await engine.recoverDeliveries();
    expect(sent.map((m) => m.reply.key)).toContain('welcome.greeting');
    await atiende.stop();
  });
});
