import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { openTestConnection } from '../../support/database.ts';

const AT = new Date('2026-03-10T16:00:00Z');

describe('files customers send, kept in the database (R001-3)', () => {
  let domain: Domain;

  beforeAll(async () => {
    domain = createDomain(await openTestConnection(), DEFAULT_POLICY, new ManualClock(AT));
    await domain.init();
  });

  it('R001-3: a photo is stored with its bytes exactly and read back by its url', async () => {
    const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);
    const outcome = await domain.attachments.put(
      'photo-1',
      'telegram:42',
      { name: 'modem.jpg', contentType: 'image/jpeg', bytes },
      AT,
    );
    expect(outcome.stored).toBe(true);
    if (!outcome.stored) return;
    expect(outcome.attachment).toMatchObject({ name: 'modem.jpg', contentType: 'image/jpeg' });
    const back = await domain.attachments.get(outcome.attachment.url);
    expect(back?.conversationId).toBe('telegram:42');
    expect(Buffer.from(back!.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('the same file delivered twice by the network at once is stored once, and both get it', async () => {
    const file = {
      name: 'a.pdf',
      contentType: 'application/pdf',
      bytes: new Uint8Array([1, 2, 3]),
    };
    const both = await Promise.all(
      [1, 2].map(() => domain.attachments.put('doc-1', 'whatsapp:5215512345678', file, AT)),
    );
    expect(both.map((o) => o.stored)).toEqual([true, true]);
    expect(
      await domain.attachments.model.countDocuments({ conversationId: 'whatsapp:5215512345678' }),
    ).toBe(1);
  });

  it('a file over the size limit or of a type not taken is refused and nothing is stored', async () => {
    const big = await domain.attachments.put(
      'big',
      'telegram:43',
      { name: 'x.jpg', contentType: 'image/jpeg', bytes: new Uint8Array(11) },
      AT,
      { maxBytes: 10, allowedTypes: ['image/*'] },
    );
    expect(big).toEqual({ stored: false, refusal: 'tooLarge' });
    const exe = await domain.attachments.put(
      'exe',
      'telegram:43',
      { name: 'x.exe', contentType: 'application/x-msdownload', bytes: new Uint8Array(3) },
      AT,
    );
    expect(exe).toEqual({ stored: false, refusal: 'typeNotAllowed' });
    expect(await domain.attachments.model.countDocuments({ conversationId: 'telegram:43' })).toBe(
      0,
    );
  });
});
