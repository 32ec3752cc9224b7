/**
 * The outbox journal (ARCHITECTURE decision 1, as measured on FerretDB v1): versions about to
 * be stored with replies to send are journaled as pending, a group per insert, in the
 * collection of the current minute; delivered ones are journaled as settled in the same
 * minute's collection; a minute whose pending versions are all settled is dropped whole once it
 * is a few minutes old. Nothing is ever deleted from it one document at a time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import type { ConversationState } from '../../../src/bot/engine/state.ts';
import {
  EngineStores,
  JOURNAL_BUCKET_MS,
  JOURNAL_PREFIX,
  journalCollection,
} from '../../../src/bot/engine/store/index.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { openTestConnection } from '../../support/database.ts';

function stateOf(conversationId: string, version: number): ConversationState {
  return {
    _id: `${conversationId}:${version}`,
    conversationId,
    version,
    answers: `in:terminal:${conversationId}:${version}`,
    replyTo: null,
    lastSequence: null,
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
  let db: Db;
  let stores: EngineStores;
  const clock = new ManualClock(new Date('2026-03-10T16:00:00Z'));
  /** The real time the journal's minutes follow, moved by hand here. */
  let realNow = 1_800_000_000_000;
  const buckets = async () =>
    (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => n.startsWith(JOURNAL_PREFIX))
      .sort();

  beforeAll(async () => {
    const connection = await openTestConnection();
    db = connection.db!;
    stores = new EngineStores(
      db,
      'process-a',
      () => clock.now(),
      () => realNow,
    );
    await stores.init();
  });

  it('journals the versions stored together in one pending entry, and drops the minute once all are delivered and it is old', async () => {
    const minute = stores.journal.bucketNow();
    const states = Array.from({ length: 20 }, (_, i) => stateOf(`terminal:group-${i}`, 1));
    const outcomes = await Promise.all(states.map((s) => stores.versions.insert(s)));
    expect(outcomes).toEqual(states.map(() => 'inserted'));

    const entries = await journalCollection(db, minute).find({}).toArray();
    expect(entries.length).toBeLessThanOrEqual(2); // one per insert, not one per version
    expect(entries.every((e) => e.kind === 'pending' && e.by === 'process-a')).toBe(true);
    expect(entries.flatMap((e) => e.ids).sort()).toEqual(states.map((s) => s._id).sort());
    const ids = async () => (await stores.journal.pendingRecords()).map((r) => r.id).sort();
    expect(await ids()).toEqual(states.map((s) => s._id).sort());

    // All but one delivered, two minutes later: still pending, and the minute is kept.
    realNow += 2 * JOURNAL_BUCKET_MS;
    await Promise.all(states.slice(1).map((s) => stores.journal.settle(s._id)));
    expect(await stores.journal.pendingRecords()).toEqual([{ id: states[0]!._id, bucket: minute }]);
    realNow += 5 * JOURNAL_BUCKET_MS;
    expect(await stores.tidy(clock.now())).toBe(0);
    expect(await buckets()).toEqual([`${JOURNAL_PREFIX}${minute}`]);

    // The last one settled: the whole minute goes, with one drop.
    await stores.journal.settle(states[0]!._id);
    expect(await stores.journal.pendingRecords()).toEqual([]);
    expect(await stores.tidy(clock.now())).toBe(1);
    expect(await buckets()).toEqual([]);
  });

  it('keeps a settled minute while it is recent: a process may still be writing to it', async () => {
    const state = stateOf('terminal:recent', 1);
    await stores.versions.insert(state);
    await stores.journal.settle(state._id);
    realNow += JOURNAL_BUCKET_MS;
    expect(await stores.tidy(clock.now())).toBe(0);
    expect(await buckets()).toHaveLength(1);
    realNow += 3 * JOURNAL_BUCKET_MS;
    expect(await stores.tidy(clock.now())).toBe(1);
    expect(await buckets()).toEqual([]);
  });

  it('settles at once a version another process stored first: its replies are not ours to send', async () => {
    const state = stateOf('terminal:race', 1);
    expect(await stores.versions.insert(state)).toBe('inserted');
    await stores.journal.settle(state._id);
    const loser = { ...stateOf('terminal:race', 1), answers: 'in:terminal:other' };
    expect(await stores.versions.insert(loser)).toBe('duplicate');
    await new Promise((resolve) => setTimeout(resolve, 200)); // settled in the background
    expect(await stores.journal.pendingRecords()).toEqual([]);
  });

  it('a version a dead process journaled but never stored is settled by recovery, in its minute', async () => {
    const minute = stores.journal.bucketNow() - 10;
    await journalCollection(db, minute).insertOne({
      _id: 'dead-entry',
      kind: 'pending',
      ids: ['terminal:dead:4'],
      by: 'dead',
      at: clock.now(),
    });
    expect(await stores.journal.pendingRecords()).toEqual([
      { id: 'terminal:dead:4', bucket: minute },
    ]);
    expect(await stores.tidy(clock.now())).toBe(0); // not settled: kept however old
    expect(await stores.versions.statesOf(await stores.journal.pendingRecords())).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stores.journal.pendingRecords()).toEqual([]);
    expect(await stores.tidy(clock.now())).toBe(1);
  });
});
