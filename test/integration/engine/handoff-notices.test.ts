/**
 * Hand-off notices (decision 5) go to the agent side once the version they belong to is
 * stored, once: a turn that loses the race to another process and runs again tells the agents
 * only about the version it stored.
 */
import type { Connection } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import type { HandoffNotice } from '../../../src/bot/engine/engine.ts';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import { createRuntime, type Runtime } from '../../../src/bot/runtime.ts';
import { InProcessChannel } from '../../../src/channels/terminal/in-process-channel.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { seedDemoData } from '../../../src/domain/seed/seed.ts';
import { openTestConnection } from '../../support/database.ts';

interface Seen {
  notice: HandoffNotice;
  /** The engine's latest version of the conversation when the notice came. */
  latest: Promise<ConversationState | null>;
}

/** A process whose agent side records every notice. */
async function processWithNotices(connection: Connection) {
  const channel = new InProcessChannel('terminal');
  const seen: Seen[] = [];
  const runtime: Runtime = await createRuntime({
    connection,
    policy: DEFAULT_POLICY,
    clock: new ManualClock('2026-03-10T16:00:00Z'),
    channels: [channel],
    onHandoff: (notice) =>
      seen.push({ notice, latest: runtime.engine.state(notice.conversationId) }),
  });
  afterAll(() => runtime.stop());
  await seedDemoData(runtime.domain);
  let n = 0;
  const say = (user: string, message: string | { choice: string }) =>
    runtime.engine.handle(
      typeof message === 'string'
        ? channel.inbound(user, `${user}-${++n}-${runtime.engine.processId}`, message)
        : channel.inbound(user, `${user}-${++n}-${runtime.engine.processId}`, '', message),
    );
  return { runtime, seen, say };
}

describe('hand-off notices', () => {
  let connection: Connection;

  it('decision 5: a conversation queued for agents is announced once its version is stored', async () => {
    connection = await openTestConnection();
    const a = await processWithNotices(connection);
    await a.say('pepe', 'Hola, mi cuenta es MX-1001');
    await a.say('pepe', 'sí');
    expect(await a.say('pepe', { choice: 'person' })).toBe('answered');

    expect(a.seen.map((s) => s.notice.kind)).toEqual(['queued']);
    const [{ notice, latest }] = a.seen as [Seen];
    expect(notice.state.mode).toBe('queued');
    expect((await latest)?.version).toBe(notice.state.version);
    const stored = await a.runtime.stores.versions.states.findOne({ _id: notice.state._id });
    expect(stored?.mode).toBe('queued');
  });

  it("issue 13: the queue hears the customer's words, and that the customer went back to the bot", async () => {
    connection ??= await openTestConnection();
    const a = await processWithNotices(connection);
    await a.say('lili', 'Hola, mi cuenta es MX-1001');
    await a.say('lili', 'sí');
    await a.say('lili', { choice: 'person' });
    await a.say('lili', '¿hay alguien?');
    await a.say('lili', 'menú');
    expect(a.seen.map((s) => [s.notice.kind, s.notice.text])).toEqual([
      ['queued', undefined],
      ['customer-message', '¿hay alguien?'],
      ['left', undefined],
    ]);
    expect(a.seen.at(-1)?.notice.state.mode).toBe('bot');
  });

  it('decision 5: a turn that lost the race to another process tells the agents once, of the version it stored', async () => {
    const a = await processWithNotices(connection);
    const b = await processWithNotices(connection);
    await a.say('lola', 'Hola, mi cuenta es MX-1001');
    await a.say('lola', 'sí');
    await a.say('lola', { choice: 'person' });
    a.seen.length = 0;

    // Process b moves the queued conversation on; a's memory of it is now one version behind.
    expect(await b.say('lola', '¿hay alguien?')).toBe('answered');
    expect(b.seen.map((s) => s.notice.text)).toEqual(['¿hay alguien?']);

    // a's first attempt builds on the old version and loses; it runs again on b's.
    const conflicts = a.runtime.engine.stats.conflicts;
    expect(await a.say('lola', 'sigo esperando')).toBe('answered');
    expect(a.runtime.engine.stats.conflicts).toBe(conflicts + 1);
    expect(a.seen.map((s) => [s.notice.kind, s.notice.text])).toEqual([
      ['customer-message', 'sigo esperando'],
    ]);
    const [{ notice, latest }] = a.seen as [Seen];
    expect(notice.state.version).toBe(b.seen[0]!.notice.state.version + 1);
    expect((await latest)?.version).toBe(notice.state.version);
  });
});
