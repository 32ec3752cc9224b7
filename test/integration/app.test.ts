import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsFromConfig, startAtiende, type Atiende } from '../../src/app/assemble.ts';
import { loadConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/app/logger.ts';
import { testDatabaseUri } from '../support/database.ts';

describe('npm start: the app on a MongoDB server', () => {
  let app: Atiende;
  let base: string;
  beforeAll(async () => {
    const config = await loadConfig({
      MONGODB_URI: testDatabaseUri(),
      ATIENDE_SEED_DEMO: 'true',
      LOG_LEVEL: 'silent',
    });
    app = await startAtiende({
      ...optionsFromConfig(config, createLogger(config.logLevel)),
      http: { host: config.host, port: 0 },
    });
    base = `http://127.0.0.1:${app.port}`;
  });
  afterAll(() => app.stop());

  const chat = async (body: unknown) => {
    const res = await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify(body) });
    return {
      status: res.status,
      body: (await res.json()) as {
        outcome?: string;
        error?: string;
        replies?: { deliveryId: string; key: string; text: string }[];
      },
    };
  };

  it('answers health checks and metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('atiende_turns_answered_total');
  });

  it('talks over POST /api/chat with the demo data, in Spanish by default', async () => {
    const first = await chat({ userId: 'u1', messageId: 'm1', text: 'Hola, mi cuenta es MX-1001' });
    expect(first.status).toBe(200);
    expect(first.body.replies?.map((r) => r.key)).toContain('identification.askIsPrimary');
    expect(
      first.body.replies?.find((r) => r.key === 'identification.askIsPrimary')?.text,
    ).toContain('Comercializadora del Valle');
    // Resent (its answer was lost): answered once, and the same replies come back.
    const again = await chat({ userId: 'u1', messageId: 'm1', text: 'Hola, mi cuenta es MX-1001' });
    expect(again.body.outcome).toBe('duplicate');
    expect(again.body.replies).toEqual(first.body.replies);
  });

  it('answers two users who send the same message ids (ids are unique per chat only)', async () => {
    const ana = await chat({ userId: 'ana', messageId: '1', text: 'Hola, mi cuenta es MX-1001' });
    const luis = await chat({ userId: 'luis', messageId: '1', text: 'Buenas, cuenta MX-1001' });
    expect([ana.status, luis.status]).toEqual([200, 200]);
    expect(luis.body.outcome).toBe('answered');
    expect(luis.body.replies?.map((r) => r.key)).toContain('identification.askIsPrimary');
    const again = await chat({ userId: 'luis', messageId: '1', text: 'Buenas, cuenta MX-1001' });
    expect(again.body).toMatchObject({ outcome: 'duplicate', replies: luis.body.replies });
    const [ana2, luis2] = await Promise.all([
      chat({ userId: 'ana', messageId: '2', text: 'sí' }),
      chat({ userId: 'luis', messageId: '2', text: 'sí' }),
    ]);
    expect(ana2.body.replies?.map((r) => r.key)).toContain('triage.ask');
    expect(luis2.body.replies?.map((r) => r.key)).toContain('triage.ask');
  });

  it('refuses bad requests with a clear error', async () => {
    expect(await chat({ userId: 'u2', text: 'hola' })).toMatchObject({
      status: 400,
      body: { error: '"messageId" must be a non-empty string' },
    });
    const res = await fetch(`${base}/api/chat`, { method: 'POST', body: '{oops' });
    expect(res.status).toBe(400);
    expect((await fetch(`${base}/api/chat`)).status).toBe(405);
  });

  it('takes the JSON body whatever its content type: curl -d sends a form type', async () => {
    const res = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ userId: 'curl', messageId: '1', text: 'Hola, mi cuenta es MX-1001' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { outcome: string }).outcome).toBe('answered');
  });

  it('refuses a body over 64 kB, an empty one and one that is not an object', async () => {
    const big = await fetch(`${base}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ userId: 'big', messageId: '1', text: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    const empty = await fetch(`${base}/api/chat`, { method: 'POST' });
    expect(empty.status).toBe(400);
    const list = await fetch(`${base}/api/chat`, { method: 'POST', body: '[1]' });
    expect(list.status).toBe(400);
    expect(await list.json()).toMatchObject({ error: 'the body must be a JSON object' });
  });

  it("hands each of one user's messages in flight at once the replies to that message", async () => {
    const users = ['eva', 'raul', 'sofia'];
    const answers = await Promise.all(
      users.flatMap((userId) => [
        chat({ userId, messageId: 'a', text: 'Hola, mi cuenta es MX-1001' }),
        chat({ userId, messageId: 'b', text: 'sí' }),
      ]),
    );
    // A delivery id is `<conversation>:<version>:<index>`: the replies of one turn share a version.
    const versionOf = (deliveryId: string) => deliveryId.split(':').at(-2);
    for (const [i, userId] of users.entries()) {
      const [a, b] = [answers[2 * i]!, answers[2 * i + 1]!];
      expect([a.body.outcome, b.body.outcome]).toEqual(['answered', 'answered']);
      const versions = [a, b].map(
        (answer) => new Set(answer.body.replies!.map((r) => versionOf(r.deliveryId))),
      );
      expect(
        versions.map((v) => v.size),
        userId,
      ).toEqual([1, 1]);
      expect([...versions[0]!][0]).not.toBe([...versions[1]!][0]);
      for (const answer of [a, b]) {
        for (const reply of answer.body.replies!) {
          expect(reply.deliveryId.startsWith(`http-json:${userId}:`)).toBe(true);
        }
      }
    }
  });

  it('answers a message resent while its first copy is in flight once, with the same replies to both', async () => {
    const message = { userId: 'tomas', messageId: '1', text: 'Hola, mi cuenta es MX-1001' };
    const [first, resent] = await Promise.all([chat(message), chat(message)]);
    const answers = [first.body, resent.body].sort((a, b) =>
      String(a.outcome).localeCompare(String(b.outcome)),
    );
    expect(answers.map((a) => a.outcome)).toEqual(['answered', 'duplicate']);
    expect(answers[0]!.replies!.map((r) => r.key)).toContain('identification.askIsPrimary');
    expect(answers[1]!.replies).toEqual(answers[0]!.replies);
  });

  it('answers /healthz with a query string too, and tells the request id', async () => {
    const res = await fetch(`${base}/healthz?probe=1`, { headers: { 'x-request-id': 'lb-42' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toBe('lb-42');
    const other = await fetch(`${base}/healthz`);
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics with HELP and TYPE, and the turn latency histogram', async () => {
    await chat({ userId: 'metrics', messageId: '1', text: 'Hola, mi cuenta es MX-1001' });
    const text = await (await fetch(`${base}/metrics?x`)).text();
    for (const [name, type] of [
      ['atiende_turns_answered_total', 'counter'],
      ['atiende_duplicates_dropped_total', 'counter'],
      ['atiende_version_conflicts_total', 'counter'],
      ['atiende_replies_delivered_total', 'counter'],
      ['atiende_timers_fired_total', 'counter'],
      ['atiende_cached_conversations', 'gauge'],
      ['atiende_queued_turns', 'gauge'],
      ['atiende_timers_due', 'gauge'],
      ['atiende_turn_duration_seconds', 'histogram'],
    ]) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toContain(`# TYPE ${name} ${type}`);
    }
    const answered = Number(/^atiende_turns_answered_total (\d+)$/m.exec(text)?.[1]);
    expect(answered).toBe(app.runtime.engine.stats.answered);
    const timed =
      /^atiende_turn_duration_seconds_count\{channel="http-json",outcome="answered"\} (\d+)$/m.exec(
        text,
      );
    expect(Number(timed?.[1])).toBe(answered);
    expect(text).toMatch(/^atiende_duplicates_dropped_total [1-9]/m);
  });

  it("R001-8, R001-11: insults suspend the person who wrote them, for the policy's duration told in words, never the colleagues of the same account", async () => {
    await chat({ userId: 'rude', messageId: 'r0', text: 'Hola, mi cuenta es MX-1001' });
    let last: Awaited<ReturnType<typeof chat>> | null = null;
    for (let i = 1; i <= 3; i++) {
      last = await chat({ userId: 'rude', messageId: `r${i}`, text: 'eres una estúpida' });
    }
    const notice = last?.body.replies?.find((r) => r.key === 'fairUse.suspendedForDays');
    expect(notice?.text).toContain('1 día');
    expect(notice?.text).not.toContain('temporalmente');
    // The same person comes back: told until when, and nothing else happens.
    const back = await chat({
      userId: 'rude',
      messageId: 'r4',
      text: 'Hola, mi cuenta es MX-1001',
    });
    expect(back.body.replies?.map((r) => r.key)).toContain('fairUse.stillSuspended');
    // A colleague of the same company account is served as usual.
    const colleague = await chat({
      userId: 'colleague',
      messageId: 'c1',
      text: 'Hola, mi cuenta es MX-1001',
    });
    expect(colleague.body.replies?.map((r) => r.key)).toContain('identification.askIsPrimary');
    expect(colleague.body.replies?.map((r) => r.key)).not.toContain('fairUse.stillSuspended');
  });

  it('R001-11: a suspended person is refused at the start of every session, whatever way in — a prospect, asking for a person', async () => {
    // Five messages: the per-user burst (the flow tests try every way in).
    for (let i = 1; i <= 3; i++) {
      await chat({ userId: 'rude2', messageId: `r${i}`, text: 'eres una estúpida' });
    }
    const waysIn = ['no soy cliente, quiero contratar', 'quiero hablar con una persona'];
    for (const [i, text] of waysIn.entries()) {
      const back = await chat({ userId: 'rude2', messageId: `w${i}`, text });
      expect(
        back.body.replies?.map((r) => r.key),
        text,
      ).toEqual(['fairUse.stillSuspended']);
    }
    // Someone else's first message in the same words is served.
    const other = await chat({ userId: 'polite', messageId: 'p1', text: waysIn[0] });
    expect(other.body.replies?.map((r) => r.key)).not.toContain('fairUse.stillSuspended');
  });
});
