/**
 * The outbox journal (ARCHITECTURE decision 1, as measured on FerretDB v1): the versions about
 * to be stored with replies to send are journaled as pending, a group per insert; delivered
 * ones are marked, also by group; settled groups are deleted by `_id`. Recovery sends what is
 * pending and not marked, and sweeps up what a dead process left.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import { StateStore } from '../../../src/bot/engine/state-store.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { openTestConnection } from '../../support/database.ts';

function stateOf(conversationId: string, version: number): ConversationState {
  return {
    _id: `${conversationId}:${version}`,
    conversationId,
    version,
    answers: `in:terminal:${conversationId}:${version}`,
    recent: [],
    channel: 'terminal',
    channelUserId: conversationId.split(':')[1] ?? 'x',
    mode: 'bot',
    language: 'es',
    accountNumber: null,
    session: 1,
    sessionStartedAt: new Date('2026-03-10T16:00:00Z'),
    snapshot: null,
    flowInput: {},
    deadlines: [],
    outbox: [{ key: 'greeting.welcome' }],
    pendingOutbox: true,
    transcript: [],
    transcriptKept: 0,
    transcriptDepth: 0,
    handoff: null,
    createdAt: new Date('2026-03-10T16:00:00Z'),
  };
}

describe('outbox journal', () => {
  let store: StateStore;
  const clock = new ManualClock(new Date('2026-03-10T16:00:00Z'));

  beforeAll(async () => {
    const connection = await openTestConnection();
    store = new StateStore(connection.db!, 'process-a', () => clock.now());
    await store.init();
  });

  it('journals the versions stored together in one pending entry, and forgets them once all are delivered', async () => {
    const states = Array.from({ length: 20 }, (_, i) => stateOf(`terminal:group-${i}`, 1));
    const outcomes = await Promise.all(states.map((s) => store.insertState(s)));
    expect(outcomes).toEqual(states.map(() => 'inserted'));

    const entries = await store.pending.find({}).toArray();
    expect(entries.length).toBeLessThanOrEqual(2); // one per insert, not one per version
    expect(entries.flatMap((e) => e.ids).sort()).toEqual(states.map((s) => s._id).sort());
    expect((await store.pendingRecords()).sort()).toEqual(states.map((s) => s._id).sort());

    // All but one delivered: that one is still pending, and nothing is deleted yet.
    await Promise.all(states.slice(1).map((s) => store.settle(s._id)));
    expect(await store.pendingRecords()).toEqual([states[0]!._id]);
    await store.flush();
    expect(await store.pendingRecords()).toEqual([states[0]!._id]);

    await store.settle(states[0]!._id);
    expect(await store.pendingRecords()).toEqual([]);
    expect(await store.flush()).toBeGreaterThan(0);
    expect(await store.pending.countDocuments()).toBe(0);
    expect(await store.marks.countDocuments()).toBe(0);
  });

  it('settles at once a version another process stored first: its replies are not ours to send', async () => {
    const state = stateOf('terminal:race', 1);
    expect(await store.insertState(state)).toBe('inserted');
    await store.settle(state._id);
    const loser = { ...stateOf('terminal:race', 1), answers: 'in:terminal:other' };
    expect(await store.insertState(loser)).toBe('duplicate');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the mark is written in the background
    expect(await store.pendingRecords()).toEqual([]);
    await store.flush();
    expect(await store.pending.countDocuments()).toBe(0);
    expect(await store.marks.countDocuments()).toBe(0);
  });

  it('leaves a dead process’s settled entries for two sweeps, then deletes them; never an entry with a version still to send', async () => {
    const at = clock.now();
    const settled = {
      _id: randomUUID(),
      ids: ['terminal:dead:1', 'terminal:dead:2'],
      by: 'dead',
      at,
    };
    const open = { _id: randomUUID(), ids: ['terminal:dead:3', 'terminal:dead:4'], by: 'dead', at };
    const marks = {
      _id: randomUUID(),
      ids: ['terminal:dead:1', 'terminal:dead:2', 'terminal:dead:3'],
      by: 'dead',
      at,
    };
    await store.pending.insertMany([settled, open]);
    await store.marks.insertOne(marks);

    expect(await store.pendingRecords()).toEqual(['terminal:dead:4']);
    expect(await store.sweepLeftovers()).toBe(0); // first sight: perhaps a live process's
    expect(await store.sweepLeftovers()).toBe(1); // seen twice: the settled entry goes
    expect((await store.pending.find({}).toArray()).map((e) => e._id)).toEqual([open._id]);
    // The mark still settles versions of the open entry: it stays, and so does what it says.
    expect(await store.marks.countDocuments({ _id: marks._id })).toBe(1);
    expect(await store.pendingRecords()).toEqual(['terminal:dead:4']);

    // Recovery found no state for version 4 (its process died before storing it): settled.
    expect(await store.statesOf(['terminal:dead:4'])).toEqual([]);
    expect(await store.pendingRecords()).toEqual([]);
    await store.sweepLeftovers();
    await store.sweepLeftovers();
    expect(await store.pending.countDocuments()).toBe(0);
    await store.sweepLeftovers();
    await store.sweepLeftovers();
    expect(await store.marks.countDocuments()).toBe(0);
  });
});
