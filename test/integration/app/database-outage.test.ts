/**
 * The database dies under a running atiende, tried as a crash would: the embedded server's
 * process is killed with SIGKILL mid-conversation (and, on `MONGODB_URI`, the server goes
 * away). `/healthz` says so at once, a chat message is refused in seconds with a clear,
 * logged error, the supervisor restarts the server on its files, and the conversation goes on
 * where it was: the refused message, sent again, is answered once. Killed under a steady load
 * of conversations whose clients resend what was refused, nothing is lost or doubled.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startAtiende, type Atiende, type AtiendeOptions } from '../../../src/app/assemble.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { testDatabaseUri } from '../../support/database.ts';
import { doubtScript, seedCustomers, type Step } from '../reliability/fixtures.ts';
import { startTcpRelay } from './tcp-relay.ts';

type LogLine = Record<string, unknown> & { msg: string; level: number };

/** A pino logger that keeps its lines for the test to read. */
function capturingLogger(lines: LogLine[]) {
  return pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
}

const base = (logs: LogLine[]): Omit<AtiendeOptions, 'database'> => ({
  policy: DEFAULT_POLICY,
  clock: new ManualClock('2026-03-10T16:00:00Z'), // a Tuesday, 10:00 in Mexico City
  channels: ['http-json'],
  seedDemo: true,
  http: { host: '127.0.0.1', port: 0 },
  logger: capturingLogger(logs),
  engine: { recoveryGraceMs: 0 },
  onError: () => undefined,
});

/** Polls `check` until it holds; generous, for a loaded machine. */
async function until<T>(check: () => Promise<T | false>, what: string, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== false) return result;
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function client(atiende: Atiende) {
  const url = (path: string) => `http://127.0.0.1:${atiende.port}${path}`;
  return {
    async chat(userId: string, messageId: string, message: string | { choice: string }) {
      const started = performance.now();
      const res = await fetch(url('/api/chat'), {
        method: 'POST',
        body: JSON.stringify({
          userId,
          messageId,
          ...(typeof message === 'string' ? { text: message } : message),
        }),
      });
      const body = (await res.json()) as {
        outcome?: string;
        error?: string;
        code?: string;
        replies?: { key: string; text?: string }[];
      };
      return {
        status: res.status,
        body,
        keys: body.replies?.map((r) => r.key),
        requestId: res.headers.get('x-request-id'),
        retryAfter: res.headers.get('retry-after'),
        ms: performance.now() - started,
      };
    },
    async health() {
      const res = await fetch(url('/healthz'));
      return {
        status: res.status,
        body: (await res.json()) as { status: string; reason?: string },
      };
    },
    metrics: async () => (await fetch(url('/metrics'))).text(),
  };
}

/** The SQLite files of a data directory, by name, with their inode: the same files or not. */
async function sqliteFiles(dataDir: string): Promise<Record<string, number>> {
  const names = (await readdir(dataDir)).filter((name) => name.endsWith('.sqlite'));
  const files: Record<string, number> = {};
  for (const name of names) files[name] = (await stat(join(dataDir, name))).ino;
  return files;
}

const CONVERSATION = [
  ['m1', 'Hola, mi cuenta es MX-1001'],
  ['m2', 'sí'],
  ['m3', 'No tengo internet'],
] as const;

describe('the embedded database dies under a running atiende', () => {
  it('is reported, refused fast, restarted on its files, and the conversation goes on where it was', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'atiende-outage-'));
    const logs: LogLine[] = [];
    // A first restart 4 s after the death: long enough to see a turn refused meanwhile.
    const atiende = await startAtiende({
      ...base(logs),
      database: { dataDir, log: () => undefined, restart: { firstDelayMs: 4_000 } },
    });
    afterAll(async () => {
      await atiende.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    const app = client(atiende);

    // What the third message answers when nothing goes wrong.
    const control = [];
    for (const [id, text] of CONVERSATION) control.push(await app.chat('control', id, text));
    expect(control.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(control[2]!.keys?.length).toBeGreaterThan(0);
    // Ana's conversation, two messages in.
    for (const [i, [id, text]] of CONVERSATION.slice(0, 2).entries())
      expect((await app.chat('ana', id, text)).keys).toEqual(control[i]!.keys);
    const files = await sqliteFiles(dataDir);
    expect(Object.keys(files).length).toBeGreaterThan(0);

    const { pid } = atiende.embeddedDatabase!.state;
    const killedAt = performance.now();
    process.kill(pid!, 'SIGKILL');

    // /healthz says so at once (a ping may see the broken connection before the supervisor
    // sees the death), then with the supervisor's reason.
    await until(async () => (await app.health()).status === 503, '/healthz answers 503');
    expect(performance.now() - killedAt).toBeLessThan(2_500);
    const down = await until(async () => {
      const health = await app.health();
      return health.body.reason?.startsWith('the embedded database') === true && health;
    }, '/healthz gives the reason');
    expect(down).toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        reason: 'the embedded database is restarting (attempt 1): it exited with signal SIGKILL',
        now: '2026-03-10T16:00:00.000Z',
      },
    });
    expect(performance.now() - killedAt).toBeLessThan(2_500);

    // A message meanwhile is refused in seconds, clearly, and logged with its request and
    // conversation.
    const refused = await app.chat('ana', 'm3', 'No tengo internet');
    expect(atiende.embeddedDatabase!.state.status).toBe('restarting'); // still down when refused
    expect(refused).toMatchObject({
      status: 503,
      retryAfter: '2',
      body: {
        error: 'the database does not answer: send this message again shortly',
        code: 'DATABASE_UNREACHABLE',
      },
    });
    expect(refused.ms).toBeLessThan(5_000);
    const logged = logs.find((l) => l.msg === 'chat turn refused: database');
    expect(logged).toMatchObject({
      level: 50,
      reqId: refused.requestId,
      conversationId: 'http-json:ana',
      messageId: 'm3',
      code: 'DATABASE_UNREACHABLE',
    });
    expect((logged!.err as { message: string }).message).toMatch(/^conversation http-json:ana: /);
    expect(logs.find((l) => l.msg === 'the embedded database exited: restarting it')).toMatchObject(
      { level: 50, pid, signal: 'SIGKILL', code: null, attempt: 1, restartInMs: 4_000 },
    );

    // The supervisor brings it back; /healthz says so.
    await until(async () => (await app.health()).status === 200, '/healthz answers 200 again');
    expect(performance.now() - killedAt).toBeGreaterThanOrEqual(4_000);
    expect(atiende.embeddedDatabase!.state).toMatchObject({ status: 'up', restarts: 1 });
    expect(atiende.embeddedDatabase!.state.pid).not.toBe(pid);
    expect(logs.find((l) => l.msg === 'the embedded database is back')).toMatchObject({
      level: 40,
      restarts: 1,
    });
    const metrics = await app.metrics();
    expect(metrics).toMatch(/^atiende_embedded_database_restarts_total 1$/m);
    expect(metrics).toMatch(/^atiende_embedded_database_up 1$/m);
    expect(metrics).toMatch(
      /^atiende_turn_duration_seconds_count\{channel="http-json",outcome="unavailable"\} 1$/m,
    );

    // The conversation goes on from what the database kept, not from this process's memory:
    // the same files, read again.
    expect(await sqliteFiles(dataDir)).toEqual(files);
    expect(atiende.runtime.engine.evictIdle(Date.now() + 24 * 3_600_000)).toBeGreaterThan(0);
    const resent = await app.chat('ana', 'm3', 'No tengo internet');
    expect(resent).toMatchObject({ status: 200, body: { outcome: 'answered' } });
    expect(resent.keys).toEqual(control[2]!.keys);
    // Answered once: sent again, it gets the same replies, not a second turn.
    const again = await app.chat('ana', 'm3', 'No tengo internet');
    expect(again.body.outcome).toBe('duplicate');
    expect(again.keys).toEqual(resent.keys);
  });
});

describe('the embedded database dies under turns in flight', () => {
  it('each ends in seconds, answered (and stored) or refused (and not), never a 500 or a hang', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'atiende-outage-'));
    const logs: LogLine[] = [];
    const atiende = await startAtiende({
      ...base(logs),
      database: { dataDir, log: () => undefined, restart: { firstDelayMs: 1_000 } },
    });
    afterAll(async () => {
      await atiende.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    const app = client(atiende);
    const users = Array.from({ length: 60 }, (_, i) => `user${i}`);
    await Promise.all(users.map((user) => app.chat(user, ...CONVERSATION[0])));

    // Three deaths, each a little later into a burst of messages: the server dies under turns
    // at different points of their way (flow, timers, journal, state, delivery).
    const rounds = [
      { id: 'r1', text: 'sí', killAfterMs: 0 },
      { id: 'r2', text: 'No tengo internet', killAfterMs: 15 },
      { id: 'r3', text: 'gracias', killAfterMs: 30 },
    ];
    for (const { id, text, killAfterMs } of rounds) {
      const inFlight = Promise.all(users.map((user) => app.chat(user, id, text)));
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      process.kill(atiende.embeddedDatabase!.state.pid!, 'SIGKILL');
      const answers = await inFlight;
      for (const answer of answers) {
        expect([200, 503], id).toContain(answer.status);
        if (answer.status === 503) expect(answer.body.code).toBe('DATABASE_UNREACHABLE');
        expect(answer.ms, id).toBeLessThan(10_000);
      }

      // Back: what was answered was stored, what was refused was not. Read from the database,
      // not from this process's memory: a message answered is a duplicate, one refused is
      // answered now.
      await until(async () => (await app.health()).status === 200, '/healthz answers 200 again');
      atiende.runtime.engine.evictIdle(Date.now() + 24 * 3_600_000);
      const resent = await Promise.all(users.map((user) => app.chat(user, id, text)));
      expect(
        resent.map((r) => r.status),
        id,
      ).toEqual(users.map(() => 200));
      expect(
        resent.map((r) => r.body.outcome),
        id,
      ).toEqual(answers.map((a) => (a.status === 200 ? 'duplicate' : 'answered')));
    }
  });
});

/** What a client saw of one message: each attempt, and the replies of the one that ended it. */
interface Exchange {
  user: string;
  n: number;
  attempts: { status: number; outcome?: string; code?: string }[];
  replies: { key: string; text?: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the embedded database is killed under a steady load of conversations', () => {
  it('R001-5: clients resend what was refused; every message is answered once, every conversation gets its one case', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'atiende-outage-'));
    const logs: LogLine[] = [];
    const atiende = await startAtiende({
      ...base(logs),
      database: { dataDir, log: () => undefined, restart: { firstDelayMs: 1_000 } },
    });
    afterAll(async () => {
      await atiende.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    const app = client(atiende);
    // Each user an account of its own: each doubt is a matter of its own, one case each.
    const USERS = 30;
    await seedCustomers(atiende.runtime.domain, 0, USERS + 1);
    const script = (i: number): Step[] => doubtScript(i, true);

    // A client as a network is: a message refused (503) is sent again, same id, until answered.
    let inFlight = 0;
    let answered = 0;
    let killed = null as { pid: number; inFlight: number; answered: number } | null;
    const total = USERS * script(0).length;
    const converse = async (user: string, steps: Step[], pause: (n: number) => number) => {
      const exchanges: Exchange[] = [];
      for (const [n, step] of steps.entries()) {
        const exchange: Exchange = { user, n, attempts: [], replies: [] };
        exchanges.push(exchange);
        for (;;) {
          inFlight++;
          const sent = await app.chat(user, `m${n}`, step);
          inFlight--;
          const { outcome, code } = sent.body;
          exchange.attempts.push({ status: sent.status, outcome, code });
          if (sent.status === 503 && code === 'DATABASE_UNREACHABLE') {
            await sleep(200);
            continue;
          }
          if (sent.status !== 200) return exchanges; // the test fails on it below
          exchange.replies = sent.body.replies ?? [];
          break;
        }
        // Mid-load: the database server dies with other users' messages on their way.
        if (++answered === Math.floor(total * 0.4) && !killed) {
          const pid = atiende.embeddedDatabase!.state.pid!;
          killed = { pid, inFlight, answered };
          process.kill(pid, 'SIGKILL');
        }
        await sleep(pause(n));
      }
      return exchanges;
    };

    const [reference] = await Promise.all([converse('ref', script(0), () => 0)]);
    const referenceKeys = reference!.flatMap((e) => e.replies.map((r) => r.key));
    expect(referenceKeys).toContain('request.registered');
    answered = 0;

    // A steady load: users arrive one every 40 ms and think 20-80 ms between messages.
    const users = Array.from({ length: USERS }, (_, k) => `load${k + 1}`);
    const runs = await Promise.all(
      users.map(async (user, k) => {
        await sleep(k * 40);
        return converse(user, script(k + 1), (n) => 20 + ((k * 17 + n * 29) % 61));
      }),
    );
    const exchanges = runs.flat();
    const refused = exchanges.flatMap((e) => e.attempts).filter((a) => a.status === 503).length;
    console.info(
      `[outage] SIGKILL of the database after ${killed?.answered} of ${total} messages, ` +
        `${killed?.inFlight} in flight; ${refused} refusals (503) resent; ` +
        `restarts ${atiende.embeddedDatabase!.state.restarts}`,
    );
    expect(killed).not.toBeNull();
    expect(killed!.inFlight).toBeGreaterThan(0); // the kill cut turns on their way
    expect(refused).toBeGreaterThan(0);
    expect(atiende.embeddedDatabase!.state).toMatchObject({ status: 'up', restarts: 1 });

    // Each message ended in one 200: answered by its first accepted attempt, or — when the
    // turn was stored but its answer refused as the server died — given that stored answer as
    // a duplicate. Never answered twice, never an error.
    const wrong = exchanges.filter((e) => {
      const statuses = e.attempts.map((a) => a.status);
      const last = e.attempts.at(-1)!;
      return (
        statuses.slice(0, -1).some((s) => s !== 503) ||
        last.status !== 200 ||
        !(last.outcome === 'answered' || (last.outcome === 'duplicate' && statuses.length > 1))
      );
    });
    expect(wrong).toEqual([]);
    // Nothing lost, nothing extra: every conversation got exactly the reference's replies.
    const keysOf = (user: string) =>
      exchanges.filter((e) => e.user === user).flatMap((e) => e.replies.map((r) => r.key));
    expect(
      users.filter((u) => JSON.stringify(keysOf(u)) !== JSON.stringify(referenceKeys)),
    ).toEqual([]);

    // Exactly one case per conversation (R001-5), the one its customer was told.
    const cases = await atiende.runtime.domain.cases.cases
      .find({ conversationId: { $regex: '^http-json:load' } }, { conversationId: 1 })
      .lean<{ _id: string; conversationId: string }[]>();
    for (const user of users) {
      const told = exchanges
        .filter((e) => e.user === user)
        .flatMap((e) => e.replies)
        .find((r) => r.key === 'request.registered')?.text;
      const own = cases.filter((c) => c.conversationId === `http-json:${user}`).map((c) => c._id);
      expect({ user, cases: own.length }).toEqual({ user, cases: 1 });
      expect(told).toContain(own[0]);
    }

    // And the database kept it all, not only this process's memory: with the conversations
    // evicted, every message sent again is a duplicate given the same replies.
    atiende.runtime.engine.evictIdle(Date.now() + 24 * 3_600_000);
    const again = await Promise.all(
      exchanges.map(async (e) => {
        const sent = await app.chat(e.user, `m${e.n}`, script(0)[e.n]!);
        const same = JSON.stringify(sent.keys) === JSON.stringify(e.replies.map((r) => r.key));
        return sent.body.outcome === 'duplicate' && same ? null : `${e.user} m${e.n}`;
      }),
    );
    expect(again.filter(Boolean)).toEqual([]);
  }, 180_000);
});

describe('the database server of MONGODB_URI goes away', () => {
  it('is reported and refused fast; once back, the refused message is answered once', async () => {
    const relay = await startTcpRelay(new URL(testDatabaseUri()));
    const logs: LogLine[] = [];
    const atiende = await startAtiende({
      ...base(logs),
      database: { uri: relay.uri, dataDir: 'unused-with-a-uri' },
    });
    afterAll(async () => {
      await atiende.stop();
      relay.close();
    });
    const app = client(atiende);
    expect(atiende.embeddedDatabase).toBeNull();
    const [first, second] = CONVERSATION;
    expect((await app.chat('luis', ...first)).status).toBe(200);

    relay.refuse();
    const down = await until(async () => {
      const health = await app.health();
      return health.status === 503 && health;
    }, '/healthz answers 503');
    expect(down.body.reason).toMatch(/^the database does not answer: /);

    const refused = await app.chat('luis', ...second);
    expect(refused).toMatchObject({ status: 503, body: { code: 'DATABASE_UNREACHABLE' } });
    expect(refused.ms).toBeLessThan(5_000);
    expect(logs.find((l) => l.msg === 'chat turn refused: database')).toMatchObject({
      reqId: refused.requestId,
      conversationId: 'http-json:luis',
    });

    relay.resume();
    await until(async () => (await app.health()).status === 200, '/healthz answers 200 again');
    const resent = await app.chat('luis', ...second);
    expect(resent).toMatchObject({ status: 200, body: { outcome: 'answered' } });
    expect((await app.chat('luis', ...second)).body.outcome).toBe('duplicate');
  });

  it('that hangs: the message is refused well before 20 s, and /healthz says so within 1 s', async () => {
    const relay = await startTcpRelay(new URL(testDatabaseUri()));
    const logs: LogLine[] = [];
    const atiende = await startAtiende({
      ...base(logs),
      database: { uri: relay.uri, dataDir: 'unused-with-a-uri' },
    });
    afterAll(async () => {
      await atiende.stop();
      relay.close();
    });
    const app = client(atiende);
    const [first, second] = CONVERSATION;
    expect((await app.chat('eva', ...first)).status).toBe(200);

    relay.hang();
    const [health, refused] = await Promise.all([app.health(), app.chat('eva', ...second)]);
    expect(health).toMatchObject({
      status: 503,
      body: { reason: 'the database does not answer: no answer to a ping in 1000 ms' },
    });
    expect(refused).toMatchObject({ status: 503, body: { code: 'DATABASE_UNREACHABLE' } });
    expect(refused.ms).toBeLessThan(12_000);
  });
});
