/**
 * The embedded server's supervisor, with real processes: a server killed with SIGKILL is
 * started again on its port and data directory, after a wait that doubles with each death in
 * a row; the driver finds it there by itself; atiende's stop ends it for good.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection as connectTcp, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { FAIL_FAST_OPTIONS } from '../../../src/bot/database/connect.ts';
import {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
  type EmbeddedOptions,
} from '../../../src/bot/database/embedded-ferretdb.ts';
import type { SupervisorEvent } from '../../../src/bot/database/supervisor.ts';

/** Polls `check` until it holds; generous, for a loaded machine. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether something accepts connections on the loopback `port`. */
const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connectTcp({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      done(true);
    });
    socket.on('error', () => done(false));
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** An embedded server in a directory of its own, its supervisor's events recorded. */
async function supervised(restart: EmbeddedOptions['restart']) {
  const dataDir = await mkdtemp(join(tmpdir(), 'atiende-supervisor-'));
  const events: (SupervisorEvent & { at: number })[] = [];
  const server = await startEmbeddedDatabase(dataDir, {
    log: () => undefined,
    restart,
    onEvent: (event) => events.push({ ...event, at: performance.now() }),
  });
  afterAll(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { server, events, dataDir };
}

/** Kills the server's process as a crash would, and waits until it is up again. */
async function killAndAwaitRestart(server: EmbeddedDatabase): Promise<void> {
  const { pid, restarts } = server.state;
  process.kill(pid!, 'SIGKILL');
  await until(() => server.state.restarts === restarts + 1, 'the server is restarted');
  expect(server.state).toMatchObject({ status: 'up', attempt: 0 });
  expect(server.state.pid).not.toBe(pid);
  expect(alive(pid!)).toBe(false);
}

describe('the embedded database supervisor', () => {
  it('restarts a killed server on its port and data, waiting longer at each death in a row, and from the start again after a stable run', async () => {
    const policy = { firstDelayMs: 200, maxDelayMs: 1_600, stableAfterMs: 4_000 };
    const { server, events } = await supervised(policy);
    const connection = mongoose.createConnection(server.uri, FAIL_FAST_OPTIONS);
    await connection.asPromise();
    afterAll(() => connection.close());
    const probes = connection.db!.collection<{ _id: string }>('probes');
    await probes.insertOne({ _id: 'before' });

    for (let death = 1; death <= 5; death++) await killAndAwaitRestart(server);

    const exits = events.filter((e) => e.type === 'exited');
    const backs = events.filter((e) => e.type === 'restarted');
    expect(exits.map((e) => e.restartInMs)).toEqual([200, 400, 800, 1_600, 1_600]);
    expect(exits.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
    for (const exit of exits) expect(exit.exit).toMatchObject({ code: null, signal: 'SIGKILL' });
    // Each was down at least its back-off (and no more than that and a slow start).
    const down = backs.map((back) => back.downMs);
    for (const [i, exit] of exits.entries()) {
      expect(down[i]).toBeGreaterThanOrEqual(exit.restartInMs);
      expect(down[i]).toBeLessThan(exit.restartInMs + 15_000);
    }
    expect(backs.map((e) => e.restarts)).toEqual([1, 2, 3, 4, 5]);

    // The same address and files: the driver reconnects by itself and finds the data.
    await until(
      async () => (await probes.findOne({ _id: 'before' }).catch(() => null)) !== null,
      'the driver reads the data again',
    );
    await probes.insertOne({ _id: 'after' });

    // Up longer than `stableAfterMs`: the next death starts the back-off again.
    await new Promise((resolve) => setTimeout(resolve, policy.stableAfterMs + 200));
    await killAndAwaitRestart(server);
    expect(events.filter((e) => e.type === 'exited').at(-1)).toMatchObject({
      restartInMs: 200,
      attempt: 1,
    });
    await until(
      async () => (await probes.countDocuments().catch(() => 0)) === 2,
      'the driver reads both documents',
    );
  });

  it('retries a restart that fails (its port taken), backing off, until the port is free', async () => {
    const { server, events } = await supervised({ firstDelayMs: 300, maxDelayMs: 5_000 });
    const { port } = server;
    process.kill(server.state.pid!, 'SIGKILL');
    // Another process takes the port before the first attempt.
    const squatter = createServer();
    await until(
      () =>
        new Promise<boolean>((done) => {
          squatter.once('error', () => done(false));
          squatter.listen(port, '127.0.0.1', () => done(true));
        }),
      'the port is taken',
    );
    await until(
      () => events.filter((e) => e.type === 'restartFailed').length >= 2,
      'two attempts failed',
    );
    expect(server.state).toMatchObject({ status: 'restarting', attempt: 3, pid: null });
    const failed = events.filter((e) => e.type === 'restartFailed');
    expect(failed.slice(0, 2)).toMatchObject([
      { attempt: 1, restartInMs: 600, error: `port ${port} is taken by another process` },
      { attempt: 2, restartInMs: 1_200 },
    ]);
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    await until(() => server.state.status === 'up', 'the server is back once the port is free');
    expect(events.at(-1)).toMatchObject({ type: 'restarted', restarts: 1 });
    expect((events.at(-1) as { attempt: number }).attempt).toBeGreaterThanOrEqual(3);
    expect(await listening(port)).toBe(true);
  });

  it('restarts nothing once stopped, even when stopped while waiting to restart', async () => {
    const { server, events } = await supervised({ firstDelayMs: 300 });
    const { port } = server;
    process.kill(server.state.pid!, 'SIGKILL');
    await until(() => server.state.status === 'restarting', 'the death is seen');
    await server.stop();
    expect(server.state).toMatchObject({ status: 'stopped', pid: null });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(events.map((e) => e.type)).toEqual(['exited']);
    expect(await listening(port)).toBe(false);
  });

  it('stops the server it runs: asked to, it is not restarted', async () => {
    const { server, events } = await supervised({ firstDelayMs: 100 });
    const { pid } = server.state;
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(alive(pid!)).toBe(false);
    expect(events).toEqual([]);
    expect(await listening(server.port)).toBe(false);
  });
});
