/**
 * Durable timers (ARCHITECTURE decision 2) live in one collection per hour of due time, so the
 * scheduler's poll in every process reads the timers of the hours up to now — not every SLA
 * deadline of every open case, which on FerretDB v1 would be a scan of all of them each second.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { EngineStores, TimerStore } from '../../../src/bot/engine/store/index.ts';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { openTestConnection } from '../../support/database.ts';

describe('timer store', () => {
  let db: Db;
  let store: TimerStore;
  const clock = new ManualClock(new Date('2026-03-10T16:30:00Z'));
  const at = (iso: string) => new Date(iso);
  const timerCollections = async () =>
    (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => n.startsWith('timers_due_'))
      .sort();
  const claimCollections = async () =>
    (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => n.startsWith('timer_claims_due_'))
      .sort();

  beforeAll(async () => {
    const connection = await openTestConnection();
    db = connection.db!;
    store = new TimerStore(db);
  });

  it('R001-7, R003-8: finds the due timers of past and current hours, and no later one', async () => {
    await Promise.all([
      store.schedule({
        _id: 'late-leftover',
        kind: 'chatLimit',
        conversationId: 'terminal:a',
        dueAt: at('2026-03-10T14:10:00Z'),
      }),
      store.schedule({
        _id: 'due-now',
        kind: 'caseFirstContact',
        caseNumber: 'AT-2026-000001' as CaseNumber,
        dueAt: at('2026-03-10T16:20:00Z'),
      }),
      store.schedule({
        _id: 'later-this-hour',
        kind: 'chatLimit',
        conversationId: 'terminal:b',
        dueAt: at('2026-03-10T16:50:00Z'),
      }),
      store.schedule({
        _id: 'tomorrow',
        kind: 'caseResponse',
        caseNumber: 'AT-2026-000001' as CaseNumber,
        dueAt: at('2026-03-11T16:20:00Z'),
      }),
    ]);
    expect(await timerCollections()).toHaveLength(3);
    const due = await store.due(clock.now());
    expect(due.map((t) => t._id).sort()).toEqual(['due-now', 'late-leftover']);
    expect(await store.timer('tomorrow', at('2026-03-11T16:20:00Z'))).toMatchObject({
      kind: 'caseResponse',
    });
    expect((await store.timersOf('terminal:b')).map((t) => t._id)).toEqual(['later-this-hour']);
  });

  it('deletes finished and cancelled timers, and drops the collections of past hours left empty', async () => {
    const [leftover] = await store.due(clock.now());
    expect(leftover?._id).toBe('late-leftover');
    // Claimed once: a second process (or a second look) does not get it.
    expect(await store.claim(leftover!, 'process-a', clock.now())).toBe(true);
    expect(await store.claim(leftover!, 'process-b', clock.now())).toBe(false);
    expect(await store.claimOf(leftover!)).toMatchObject({ by: 'process-a' });
    // While its timer is not finished, an hour's claims stay, however old the hour.
    await store.tidy(clock.now());
    expect(await claimCollections()).toEqual(['timer_claims_due_492542']);
    await store.finish({ _id: 'late-leftover', dueAt: at('2026-03-10T14:10:00Z') });
    store.cancel([{ id: 'later-this-hour', dueAt: at('2026-03-10T16:50:00Z') }]);
    await store.tidy(clock.now());
    expect(await store.timersOf('terminal:b')).toEqual([]);
    // 14:00's is empty and past: dropped, and its claims (two hours old) with it; 16:00's is
    // empty but current: kept; tomorrow's kept.
    expect(await timerCollections()).toHaveLength(2);
    expect(await claimCollections()).toEqual([]);
    await store.finish({ _id: 'due-now', dueAt: at('2026-03-10T16:20:00Z') });
    clock.set(at('2026-03-10T17:00:00Z'));
    await store.tidy(clock.now());
    expect(await timerCollections()).toHaveLength(1);
    expect(await store.due(clock.now())).toEqual([]);
  });
});

describe('data stored before timers and the journal were bucketed', () => {
  it('R001-7: moves legacy timers to their hours and undelivered legacy records to the journal', async () => {
    const connection = await openTestConnection();
    const db = connection.db!;
    await db.collection('timers').insertOne({
      _id: 'old-chat-limit',
      kind: 'chatLimit',
      conversationId: 'terminal:old',
      dueAt: new Date('2026-03-10T16:20:00Z'),
    } as never);
    await db.collection('pending_deliveries').insertMany([
      { _id: 'terminal:old:3', conversationId: 'terminal:old', createdAt: new Date() },
      { _id: 'terminal:old:4', conversationId: 'terminal:old', createdAt: new Date() },
    ] as never[]);
    await db.collection('delivered_marks').insertOne({ _id: 'terminal:old:3' } as never);

    const stores = new EngineStores(db, 'process-b', () => new Date('2026-03-10T16:30:00Z'));
    await stores.init();
    expect((await stores.timers.due(new Date('2026-03-10T16:30:00Z'))).map((t) => t._id)).toEqual([
      'old-chat-limit',
    ]);
    expect((await stores.journal.pendingRecords()).map((r) => r.id)).toEqual(['terminal:old:4']);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).not.toContain('timers');
    expect(names).not.toContain('pending_deliveries');
    expect(names).not.toContain('delivered_marks');
  });
});
