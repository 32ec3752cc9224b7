import { beforeAll, describe, expect, it } from 'vitest';
import { ChannelMarks } from '../../../src/domain/channel-marks/index.ts';
import { openTestConnection } from '../../support/database.ts';

const AT = new Date('2026-03-02T16:00:00Z');

describe('issue 14: the marks network adapters keep in the database (decision 0)', () => {
  let marks: ChannelMarks;
  beforeAll(async () => {
    marks = new ChannelMarks(await openTestConnection());
    await marks.init();
  });

  it('a reply is marked sent once, whoever marks it', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => marks.markSent('telegram:1:3:0', AT)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await marks.check('telegram:1:3:0', 'telegram:1')).toEqual({
      sent: true,
      unreachable: false,
    });
    expect((await marks.check('telegram:1:3:1', 'telegram:1')).sent).toBe(false);
  });

  it('a claim has one owner among racing ones; the same owner again keeps it', async () => {
    const owners = Array.from({ length: 8 }, (_, i) => `c${i}`);
    const won = await Promise.all(owners.map((o) => marks.claim('telegram:2:5:1', o, AT)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const owner = owners[won.indexOf(true)]!;
    expect(await marks.claim('telegram:2:5:1', owner, AT)).toBe(true);
    expect(await marks.claim('telegram:2:5:1', 'someone else', AT)).toBe(false);
  });

  it('a conversation is unreachable until the customer writes again', async () => {
    expect(await marks.markUnreachable('telegram:3', AT, 'blocked')).toBe(true);
    expect(await marks.markUnreachable('telegram:3', AT, 'blocked')).toBe(false);
    expect((await marks.check('x', 'telegram:3')).unreachable).toBe(true);
    expect(await marks.markReachable('telegram:3')).toBe(true);
    expect(await marks.markReachable('telegram:3')).toBe(false);
    expect((await marks.check('x', 'telegram:3')).unreachable).toBe(false);
  });
});
