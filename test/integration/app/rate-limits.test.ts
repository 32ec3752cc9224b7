import { describe, expect, it } from 'vitest';
import { assembleAtiende } from '../../../src/app/assemble.ts';
import { RATE_LIMITED_KEY } from '../../../src/app/inbound-guard.ts';
import { RateLimited } from '../../../src/channels/errors.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { openTestConnection } from '../../support/database.ts';
import { serve } from './serve.ts';

/** Long enough that no token comes back during a test: only the burst counts. */
const SLOW = 1;

describe('rate limits on every inbound channel', async () => {
  const served = await serve({
    rateLimits: { user: { burst: 3, perMinute: SLOW }, address: { burst: 1000, perMinute: SLOW } },
  });
  const { app, chat } = served;

  it('limits a burst from one user, tells them in their language, and lets another user go on', async () => {
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        chat({ userId: 'flood', messageId: `f${i}`, text: 'hola', language: 'en' }),
      ),
    );
    const statuses = burst.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    const refused = burst.find((answer) => answer.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(1);
    expect(refused.body).toMatchObject({ outcome: 'limited' });
    expect(refused.body.replies?.map((r) => r.key)).toEqual([RATE_LIMITED_KEY]);
    expect(refused.body.replies?.[0]?.text).toMatch(/too fast/);

    const other = await chat({
      userId: 'calm',
      messageId: '1',
      text: 'Hola, mi cuenta es MX-1001',
    });
    expect(other.status).toBe(200);
    expect(other.body.outcome).toBe('answered');

    const metrics = await app.metrics.metrics();
    expect(metrics).toMatch(/^atiende_rate_limited_total\{channel="http-json",kind="user"\} 5$/m);
  });

  it('stores nothing for a refused message: sent again later it is answered, not a duplicate', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await chat({ userId: 'later', messageId: `l${i}`, text: 'hola' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    const { engine } = app.runtime;
    expect((await engine.state('http-json:later'))?.version).toBe(3);
    const page = await engine.repliesSince('http-json:later', 0);
    expect(page.replies.some((r) => r.inReplyTo === 'l3')).toBe(false);
    // The engine has never seen it: the client may send it again once the limit allows.
    const resent = { channel: 'http-json', channelUserId: 'later', messageId: 'l3' } as const;
    expect(await engine.handle({ ...resent, text: 'hola', receivedAt: new Date() })).toBe(
      'answered',
    );
  });

  it('replies in Spanish by default (es first)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        chat({ userId: 'rapida', messageId: `${i}`, text: 'hola' }),
      ),
    );
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.body.replies?.[0]?.text).toMatch(/Vas muy rápido/);
  });
});

describe('the per-address limit', async () => {
  const { app, chat, base } = await serve({
    rateLimits: { user: { burst: 1000, perMinute: SLOW }, address: { burst: 10, perMinute: SLOW } },
  });

  it('limits an address that floods with many user ids, and polls count too', async () => {
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        chat({ userId: `bot-${i}`, messageId: '1', text: 'hola' }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
    const poll = await fetch(`${base}/api/chat/bot-1/replies`);
    expect(poll.status).toBe(429);
    expect(poll.headers.get('retry-after')).not.toBeNull();
    const metrics = await app.metrics.metrics();
    expect(metrics).toMatch(
      /^atiende_rate_limited_total\{channel="http-json",kind="address"\} 16$/m,
    );
  });
});

describe('the terminal channel goes through the same limits', async () => {
  const connection = await openTestConnection();

  it('refuses a burst, delivering the reply that says so to the customer', async () => {
    const atiende = await assembleAtiende({
      database: { connection },
      policy: DEFAULT_POLICY,
      clock: new ManualClock('2026-03-10T16:00:00Z'),
      channels: ['terminal'],
      seedDemo: true,
      rateLimits: { user: { burst: 2, perMinute: SLOW }, address: { burst: 10, perMinute: SLOW } },
    });
    try {
      const terminal = atiende.channel('terminal');
      const outcomes = [];
      for (let i = 0; i < 3; i++)
        outcomes.push(
          await terminal
            .receive(terminal.inbound('tere', `t${i}`, 'hola'))
            .catch((e: unknown) => e),
        );
      expect(outcomes.slice(0, 2)).toEqual(['answered', 'answered']);
      expect(outcomes[2]).toBeInstanceOf(RateLimited);
      expect(terminal.to('tere').at(-1)).toMatchObject({
        inReplyTo: 't2',
        reply: { key: RATE_LIMITED_KEY },
      });
    } finally {
      await atiende.stop();
    }
  });
});
