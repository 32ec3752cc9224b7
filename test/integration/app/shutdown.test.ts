/**
 * Issue 17: atiende stops cleanly on SIGTERM and SIGINT, as a process. New input is refused,
 * the turn in flight finishes and its reply is delivered once, the outbox journal is flushed
 * before the database closes (nothing resent after a restart), and a second signal or the
 * deadline cuts the stop short.
 */
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { startAppProcess, type AppProcess } from '../../support/app-process.ts';
import { testDatabaseUri } from '../../support/database.ts';
import { startReceiver } from './receiver.ts';

/** The recovery sweep's grace at start (runtime.ts), and a margin: a resend would be out. */
const AFTER_RECOVERY_MS = 3_500;

/** The MongoDB driver's errors that a write after the client closed throws. */
const AFTER_CLOSE = /MongoNotConnectedError|MongoTopologyClosedError|Client must be connected/;

async function start(uri: string, callbackUrl: string): Promise<AppProcess> {
  return startAppProcess({
    entry: 'src',
    env: { MONGODB_URI: uri, ATIENDE_SEED_DEMO: 'true', HTTP_JSON_CALLBACK_URL: callbackUrl },
  });
}

/** How many versions of a conversation are stored: one per turn. */
async function versionsOf(uri: string, conversationId: string): Promise<number> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    return await connection.collection('conversation_states').countDocuments({ conversationId });
  } finally {
    await connection.close();
  }
}

describe('a clean stop on SIGTERM (issue 17)', () => {
  it('right after a message: exits 0 without a write on a closed client, and a restart resends nothing', async () => {
    const uri = testDatabaseUri();
    const receiver = await startReceiver();
    const app = await start(uri, receiver.url);
    const answer = await app.chat({
      userId: 'ana',
      messageId: '1',
      text: 'Hola, mi cuenta es MX-1001',
    });
    expect(answer.body.outcome).toBe('answered');
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.output()).not.toMatch(AFTER_CLOSE);
    expect(app.logsAtOrAbove(50)).toEqual([]);

    const again = await start(uri, receiver.url);
    await new Promise((resolve) => setTimeout(resolve, AFTER_RECOVERY_MS));
    expect(receiver.received.map((r) => r.body.key)).toEqual([]);
    const resent = await again.chat({
      userId: 'ana',
      messageId: '1',
      text: 'Hola, mi cuenta es MX-1001',
    });
    expect(resent.body.outcome).toBe('duplicate');
    expect(resent.body.replies).toEqual(answer.body.replies);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    expect(await versionsOf(uri, 'http-json:ana')).toBe(1);
  }, 120_000);

  it('mid-turn: the turn in flight is answered once, new input is refused, nothing is lost or doubled after a restart', async () => {
    const uri = testDatabaseUri();
    const receiver = await startReceiver();
    const app = await start(uri, receiver.url);
    const first = await app.chat({
      userId: 'bea',
      messageId: '1',
      seq: 1,
      text: 'Hola, mi cuenta es MX-1001',
    });
    expect(first.body.outcome).toBe('answered');
    // Message 3 before 2: its turn waits for its predecessor (2 s), in flight when the signal comes.
    const inFlight = app.chat({ userId: 'bea', messageId: '3', seq: 3, text: 'sí' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    app.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = await app
      .chat({ userId: 'cid', messageId: '1', text: 'Hola' })
      .then((a) => a.status)
      .catch(() => 'refused');
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.body.outcome).toBe('answered');
    expect(answered.body.replies?.length).toBeGreaterThan(0);
    // Not taken: a 503 while HTTP closes, or no listener at all; never a turn.
    expect([503, 'refused']).toContain(late);
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.output()).not.toMatch(AFTER_CLOSE);
    expect(app.logsAtOrAbove(50)).toEqual([]);

    const again = await start(uri, receiver.url);
    await new Promise((resolve) => setTimeout(resolve, AFTER_RECOVERY_MS));
    expect(receiver.received.map((r) => r.body.key)).toEqual([]);
    const resent = await again.chat({ userId: 'bea', messageId: '3', seq: 3, text: 'sí' });
    expect(resent.body.outcome).toBe('duplicate');
    expect(resent.body.replies).toEqual(answered.body.replies);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    expect(await versionsOf(uri, 'http-json:bea')).toBe(2);
    expect(await versionsOf(uri, 'http-json:cid')).toBe(0);
  }, 120_000);

  it('a second signal exits at once, without waiting for the turn in flight', async () => {
    const receiver = await startReceiver();
    const app = await start(testDatabaseUri(), receiver.url);
    await app.chat({ userId: 'dan', messageId: '1', seq: 1, text: 'Hola' });
    void app.chat({ userId: 'dan', messageId: '3', seq: 3, text: 'sí' }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = performance.now();
    app.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(1);
    expect(performance.now() - signalled).toBeLessThan(1_200);
  }, 120_000);

  it('the deadline (ATIENDE_SHUTDOWN_TIMEOUT_MS) exits at once when the stop takes longer', async () => {
    const receiver = await startReceiver();
    const app = await startAppProcess({
      entry: 'src',
      env: {
        MONGODB_URI: testDatabaseUri(),
        ATIENDE_SEED_DEMO: 'true',
        HTTP_JSON_CALLBACK_URL: receiver.url,
        ATIENDE_SHUTDOWN_TIMEOUT_MS: '300',
      },
    });
    await app.chat({ userId: 'eva', messageId: '1', seq: 1, text: 'Hola' });
    void app.chat({ userId: 'eva', messageId: '3', seq: 3, text: 'sí' }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const signalled = performance.now();
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(1);
    expect(performance.now() - signalled).toBeLessThan(1_500);
    expect(app.output()).toContain('the deadline passed');
  }, 120_000);

  it('Ctrl-C (SIGINT to the whole process group, the embedded database included) ends cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'atiende-ctrl-c-'));
    try {
      const app = await startAppProcess({
        entry: 'src',
        env: { ATIENDE_DATA_DIR: dataDir },
        detached: true,
      });
      const first = await app.chat({
        userId: 'fer',
        messageId: '1',
        seq: 1,
        text: 'Hola, mi cuenta es MX-1001',
      });
      expect(first.body.outcome).toBe('answered');
      // A turn in flight (message 3 waits for 2) when the terminal's Ctrl-C comes.
      const inFlight = app.chat({ userId: 'fer', messageId: '3', seq: 3, text: 'sí' });
      await new Promise((resolve) => setTimeout(resolve, 400));
      // And a client still sending its request, which holds the stop 4 s: longer than the
      // embedded server takes to end on a SIGINT of its own.
      const slow = connect(Number(new URL(app.base).port), '127.0.0.1');
      slow.on('error', () => undefined);
      slow.write('POST /api/chat HTTP/1.1\r\nhost: x\r\ncontent-length: 20\r\n\r\n{');
      setTimeout(() => slow.end('"userId":"x"}      '), 4_000);
      const databaseProcesses = () =>
        execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
          .split('\n')
          .filter((line) => line.includes('ferretdb') && line.includes(dataDir));
      expect(databaseProcesses()).toHaveLength(1);
      process.kill(-app.child.pid!, 'SIGINT');
      const answered = await inFlight;
      expect(answered.status).toBe(200);
      expect(answered.body.outcome).toBe('answered');
      expect(await app.exited).toEqual({ code: 0, signal: null });
      // Neither "the embedded database exited: restarting it" nor a failed write.
      expect(app.logsAtOrAbove(50)).toEqual([]);
      expect(app.output()).not.toMatch(AFTER_CLOSE);
      expect(databaseProcesses()).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
