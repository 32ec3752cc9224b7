/**
 * Issue 17: the keys that guard for a while only are deleted once they have done their work —
 * effects, channel marks, expired sessions and account codes older than the keep time, and
 * channel log scopes that are over — and what still guards is left, on the real embedded
 * database. After a sweep the guarantees of the keys kept still hold.
 */
import { describe, expect, it } from 'vitest';
import { ChannelLogStore } from '../../../src/domain/channel-log/index.ts';
import { ChannelMarks } from '../../../src/domain/channel-marks/index.ts';
import { EffectLedger, type LedgerTiming } from '../../../src/domain/effects/effect-ledger.ts';
import { sweepKeys } from '../../../src/bot/retention/index.ts';
import { openTestConnection } from '../../support/database.ts';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-11-28T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const at = (when: Date): LedgerTiming => ({
  now: () => when.getTime(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

describe('the sweep of keys that have done their work (issue 17)', () => {
  it('deletes what is older than the keep time and keeps what still guards, effects done once still', async () => {
    const connection = await openTestConnection();
    const db = connection.db!;
    const effect = async () => ({ caseNumber: 'AT-2026-000001' });
    await new EffectLedger(db, 'p', at(daysAgo(40))).once('old-input/0:cases', effect);
    await new EffectLedger(db, 'p', at(daysAgo(2))).once('new-input/0:cases', effect);
    const marks = new ChannelMarks(connection);
    await marks.init();
    await marks.markSent('old-delivery', daysAgo(40));
    await marks.markSent('new-delivery', daysAgo(2));
    await marks.markUnreachable('telegram:blocked', daysAgo(90), 'blocked');
    await db.collection('agent_sessions').insertMany([
      {
        _id: 'expired' as never,
        email: 'a@x',
        csrf: 'c',
        createdAt: daysAgo(3),
        expiresAt: daysAgo(2),
      },
      {
        _id: 'live' as never,
        email: 'a@x',
        csrf: 'c',
        createdAt: NOW,
        expiresAt: new Date(NOW.getTime() + 3_600_000),
      },
    ]);
    await db.collection('account_codes').insertMany([
      { _id: 'old-code' as never, expiresAt: daysAgo(40) },
      { _id: 'new-code' as never, expiresAt: daysAgo(1) },
    ]);
    await db
      .collection('account_code_uses')
      .insertOne({ _id: 'old-code' as never, at: daysAgo(40) });
    // A mail ended long ago (its tries and outcome), one ended yesterday; run claims by period.
    for (const [id, when] of [
      ['case:AT-2026-000001:opened', daysAgo(40)],
      ['case:AT-2026-000002:opened', daysAgo(1)],
    ] as const) {
      await db
        .collection('mail_attempts')
        .insertOne({ _id: `${id}:1` as never, by: 'p', at: when });
      await db
        .collection('mail_failures')
        .insertOne({ _id: `${id}:1` as never, at: when, retryAt: when, error: 'x' });
      await db
        .collection('mail_outcomes')
        .insertOne({ _id: id as never, outcome: 'sent', at: when, attempts: 2 });
    }
    await db.collection('compaction_runs').insertMany([
      { _id: 1 as never, by: 'p', at: daysAgo(40) },
      { _id: 2 as never, by: 'p', at: daysAgo(1) },
    ]);
    const logs = new ChannelLogStore(connection);
    await logs.init();
    for (let n = 0; n < 5; n++)
      await logs.append('desk.2026-10-01', { n }, new Date('2026-10-01T10:00:00Z'));
    await logs.append('desk.2026-11-27', { n: 0 }, daysAgo(1));
    for (let n = 0; n < 3; n++) await logs.append('dlc_old', { n }, daysAgo(45));
    // A conversation begun long ago and written to yesterday: kept whole.
    await logs.append('dlc_alive', { n: 0 }, daysAgo(45));
    await logs.append('dlc_alive', { n: 1 }, daysAgo(1));
    await logs.append('webchat.token-key', { key: 'k' }, daysAgo(400));
    // A desk day logged in `channel_log` before days had collections of their own.
    await db.collection('channel_log').insertMany(
      [0, 1].map((n) => ({
        _id: `desk.2026-09-30|00000000${n}` as never,
        at: new Date('2026-09-30T10:00:00Z'),
        entry: { n },
      })),
    );

    const report = await sweepKeys(db, { now: NOW, keepMs: 30 * DAY_MS, batch: 2 });
    expect(report.deleted).toMatchObject({
      effect_claims: 1,
      effect_results: 1,
      channel_marks: 1,
      agent_sessions: 1,
      account_codes: 1,
      account_code_uses: 1,
      mail_attempts: 1,
      mail_failures: 1,
      mail_outcomes: 1,
      compaction_runs: 1,
      channel_log: 5,
    });
    // Issue 17: the desk's past days are dropped whole, never deleted entry by entry.
    expect(report.dropped).toEqual(['channel_log_desk_20261001']);
    const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map(
      (c) => c.name,
    );
    expect(collections).toContain('channel_log_desk_20261127');
    expect(collections).not.toContain('channel_log_desk_20261001');
    const ids = async (name: string) =>
      (
        await db
          .collection(name)
          .find({}, { projection: { _id: 1 } })
          .toArray()
      )
        .map((d) => String(d._id))
        .sort();
    expect(await ids('effect_results')).toEqual(['new-input/0:cases']);
    expect(await ids('mail_outcomes')).toEqual(['case:AT-2026-000002:opened']);
    expect(await ids('compaction_runs')).toEqual(['2']);
    expect(await ids('channel_marks')).toEqual([
      'sent:new-delivery',
      'unreachable:telegram:blocked',
    ]);
    expect(await ids('agent_sessions')).toEqual(['live']);
    expect(await ids('account_codes')).toEqual(['new-code']);
    expect((await ids('channel_log')).map((id) => id.split('|')[0])).toEqual([
      'dlc_alive',
      'dlc_alive',
      'webchat.token-key',
    ]);

    // What was kept still guards: the recent effect is not done again, the blocked customer
    // is still unreachable, the kept logs go on from their end.
    let runs = 0;
    const again = await new EffectLedger(db, 'q', at(NOW)).once('new-input/0:cases', async () => {
      runs++;
      return { caseNumber: 'AT-2026-000002' };
    });
    expect(runs).toBe(0);
    expect(again).toEqual({ caseNumber: 'AT-2026-000001' });
    expect((await marks.check('new-delivery', 'telegram:blocked')).unreachable).toBe(true);
    const fresh = new ChannelLogStore(connection);
    expect(await fresh.end('dlc_alive')).toBe(2);
    expect(await fresh.end('dlc_old')).toBe(0);
    expect(await fresh.end('desk.2026-10-01')).toBe(0);
    expect(await fresh.end('desk.2026-11-27')).toBe(1);
    // A second sweep finds nothing more.
    const second = await sweepKeys(db, { now: NOW, keepMs: 30 * DAY_MS });
    expect(Object.values(second.deleted).every((n) => n === 0)).toBe(true);
    expect(second.dropped).toEqual([]);
  });
});
