import type { Db } from 'mongodb';
import type { OutboxJournal } from '../store/outbox-journal.ts';
import type { TimerDocument, TimerStore } from '../store/timer-store.ts';

/**
 * Data written before 2026-11-25 kept every timer in `timers` (and its claims in
 * `timer_claims`) and one pending record per version in `pending_deliveries` (with
 * `delivered_marks`): their timers move to the hour collections, and their undelivered versions
 * to this minute's journal, before they are dropped. Safe when several processes start at once
 * (inserts are idempotent by `_id`). Drop this module once no database holds those collections.
 */
export async function migrateLegacyCollections(
  db: Db,
  stores: { timers: TimerStore; journal: OutboxJournal },
): Promise<void> {
  const names = new Set(
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
  );
  if (names.has('timers')) {
    const legacy = db.collection<TimerDocument>('timers');
    for (const timer of await legacy.find({}).toArray()) await stores.timers.schedule(timer);
    await legacy.drop().catch(() => undefined);
  }
  // Claims only matter while their timer is being fired; the timers above are claimable anew
  // (a second firing is ignored by the engine and the case watch).
  if (names.has('timer_claims')) {
    await db
      .collection('timer_claims')
      .drop()
      .catch(() => undefined);
  }
  if (names.has('pending_deliveries')) {
    // One document per version, its `_id` the version's.
    const pending = db.collection<{ _id: string }>('pending_deliveries');
    const marks = db.collection<{ _id: string }>('delivered_marks');
    const delivered = new Set((await marks.find({}).toArray()).map((m) => m._id));
    const bucket = stores.journal.bucketNow();
    for (const { _id } of await pending.find({}).toArray()) {
      if (!delivered.has(_id)) await stores.journal.recordPending(_id, bucket);
    }
    await pending.drop().catch(() => undefined);
    await marks.drop().catch(() => undefined);
  }
}
