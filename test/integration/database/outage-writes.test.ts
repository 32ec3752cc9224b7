/**
 * Writes when the database dies under them, on a real server killed with SIGKILL: each fails,
 * at once and as "the database did not answer", never taken for done and never left hanging.
 * Two traps of the driver found by killing the server under turns in flight.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import '../../../src/bot/database/driver-fixes.ts';
import { startEmbeddedDatabase } from '../../../src/bot/database/embedded-ferretdb.ts';
import { isDatabaseUnreachable } from '../../../src/bot/database/unreachable.ts';
import { GroupInserter } from '../../../src/storage/index.ts';
import { databaseUri } from '../../support/database.ts';

/** A server of its own, not restarted within the test once killed. */
async function killableServer() {
  const dataDir = await mkdtemp(join(tmpdir(), 'atiende-outage-writes-'));
  const server = await startEmbeddedDatabase(dataDir, {
    log: () => undefined,
    onEvent: () => undefined,
    restart: { firstDelayMs: 600_000 },
  });
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 1_000 });
  await client.connect();
  afterAll(async () => {
    await client.close(true);
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { server, client };
}

describe('writes when the database dies', () => {
  it('a group insert fails every document of its batch: none is taken for inserted', async () => {
    const { server, client } = await killableServer();
    const collection = client.db('atiende').collection('grouped');
    const inserter = new GroupInserter(collection);
    expect(
      await Promise.all([inserter.insert({ _id: 'a' }), inserter.insert({ _id: 'b' })]),
    ).toEqual(['inserted', 'inserted']);
    // A duplicate is a per-document outcome, not an outage.
    expect(
      await Promise.all([inserter.insert({ _id: 'a' }), inserter.insert({ _id: 'c' })]),
    ).toEqual(['duplicate', 'inserted']);

    process.kill(server.state.pid!, 'SIGKILL');
    // One batch (same tick): the driver reports its broken connection as a MongoBulkWriteError
    // without per-document errors.
    const outcomes = await Promise.allSettled([
      inserter.insert({ _id: 'd' }),
      inserter.insert({ _id: 'e' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    for (const outcome of outcomes)
      expect(isDatabaseUnreachable((outcome as PromiseRejectedResult).reason)).toBe(true);
  });

  it('an operation on a pooled connection whose socket just died fails at once, not never', async () => {
    // The driver's own state, reached into on purpose: the window this fixes (a socket destroyed
    // by the server's FIN, its 'close' not yet emitted) is too short to hit from outside.
    const client = new MongoClient(databaseUri('outage_writes'), {
      serverSelectionTimeoutMS: 2_000,
      socketTimeoutMS: 5_000,
    });
    await client.connect();
    afterAll(() => client.close(true));
    const collection = client.db().collection<{ _id: string }>('probe');
    await collection.insertOne({ _id: 'warm' });
    const internals = client as unknown as {
      topology: { s: { servers: Map<string, { pool: { connections: Iterable<unknown> } }> } };
    };
    const [server] = internals.topology.s.servers.values();
    const [idle] = [...(server!.pool.connections as Iterable<{ socket: { destroy(): void } }>)];
    idle!.socket.destroy();

    const started = performance.now();
    const outcome = await Promise.race([
      collection.insertOne({ _id: 'after' }).then(
        () => 'inserted',
        (error: unknown) => (isDatabaseUnreachable(error) ? 'unreachable' : String(error)),
      ),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 10 s'), 10_000)),
    ]);
    expect(outcome).toBe('unreachable');
    expect(performance.now() - started).toBeLessThan(2_000);
    // The server was fine: the next operation takes another connection.
    await expect(collection.insertOne({ _id: 'next' })).resolves.toMatchObject({
      acknowledged: true,
    });
  });
});
