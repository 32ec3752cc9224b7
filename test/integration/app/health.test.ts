import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { startAtiende } from '../../../src/app/assemble.ts';
import { startEmbeddedDatabase } from '../../../src/bot/database/embedded-ferretdb.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { testDatabaseUri } from '../../support/database.ts';
import { startTcpRelay } from './tcp-relay.ts';

const options = {
  policy: DEFAULT_POLICY,
  clock: new ManualClock('2026-03-10T16:00:00Z'),
  channels: ['http-json' as const],
  http: { host: '127.0.0.1', port: 0 },
  engine: { recoveryGraceMs: 0 },
  onError: () => undefined,
};

const health = async (port: number | null) => {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; reason?: string },
    ms: performance.now() - started,
  };
};

describe('GET /healthz asks the database', () => {
  it('answers 503 within its timeout when the database hangs', async () => {
    const relay = await startTcpRelay(new URL(testDatabaseUri()));
    const atiende = await startAtiende({
      ...options,
      database: { uri: relay.uri, dataDir: 'unused-with-a-uri' },
    });
    afterAll(async () => {
      relay.close();
      await atiende.stop();
    });
    expect(await health(atiende.port)).toMatchObject({ status: 200, body: { status: 'ok' } });

    relay.hang();
    const hung = await health(atiende.port);
    expect(hung).toMatchObject({
      status: 503,
      body: {
        status: 'unavailable',
        reason: 'the database does not answer: no answer to a ping in 1000 ms',
      },
    });
    expect(hung.ms).toBeGreaterThanOrEqual(900);
    expect(hung.ms).toBeLessThan(3_000);
  });

  it('answers 503 with the reason when the database server is gone', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'atiende-health-'));
    const server = await startEmbeddedDatabase(dataDir, () => undefined);
    afterAll(() => rm(dataDir, { recursive: true, force: true }));
    const atiende = await startAtiende({ ...options, database: { uri: server.uri, dataDir } });
    afterAll(() => atiende.stop());
    expect(await health(atiende.port)).toMatchObject({ status: 200, body: { status: 'ok' } });

    await server.stop();
    const down = await health(atiende.port);
    expect(down).toMatchObject({ status: 503, body: { status: 'unavailable' } });
    expect(down.body.reason).toMatch(/database/);
    expect(down.ms).toBeLessThan(3_000); // a short timeout, not the driver's 10 s
  });

  it('answers 503 when its connection is closed', async () => {
    const connection = mongoose.createConnection(testDatabaseUri(), { autoIndex: false });
    await connection.asPromise();
    const atiende = await startAtiende({ ...options, database: { connection } });
    afterAll(() => atiende.stop());
    expect((await health(atiende.port)).status).toBe(200);
    await connection.dropDatabase();
    await connection.close();
    expect(await health(atiende.port)).toMatchObject({
      status: 503,
      body: { status: 'unavailable', reason: 'the database connection is closed' },
    });
  });
});
