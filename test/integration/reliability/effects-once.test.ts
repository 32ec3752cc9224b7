/**
 * Every side effect once per input (issue 12), with real engine processes on one database: the
 * whole technical flow — case opened with its SLA timers (R002-5, R003-8), a visit and its folio
 * (R004-3) — when the same message reaches two processes at once, and when a process is killed
 * in the middle of a run and the network resends what it did not acknowledge.
 */
import type { Db } from 'mongodb';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnOutcome } from '../../../src/bot/engine/engine.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { databaseUri, openTestConnection } from '../../support/database.ts';
import {
  START,
  EngineWorker,
  Network,
  inboundOf,
  redeliverOnTimeout,
  resume,
  runUntilKilled,
  seedCustomers,
  technicalScript,
  effectDefects,
  type Run,
} from './fixtures.ts';

const TWINS = 12;
const CRASHED = 30;

describe('every side effect once per input, across processes and crashes', () => {
  let connection: Connection;
  let domain: Domain;
  let db: Db;
  let uri: string;
  const workers: EngineWorker[] = [];
  const start = (name: string, network: Network) => {
    const worker = new EngineWorker(name, uri, START, network.onDelivered);
    workers.push(worker);
    return worker;
  };
  const redelivered: string[] = [];
  const send = (worker: EngineWorker, run: Run, n: number) =>
    redeliverOnTimeout(`${worker.name}:${run.user}-m${n}`, redelivered, () =>
      worker.handle(inboundOf(run.user, n, run.script[n]!)),
    );
  const runsOf = (users: number, from: number, prefix: string): Run[] =>
    Array.from({ length: users }, (_, k) => ({
      user: `${prefix}${from + k}`,
      script: technicalScript(from + k),
      acked: 0,
      inFlight: null,
      outcomes: [],
    }));

  beforeAll(async () => {
    connection = await openTestConnection();
    domain = createDomain(connection, DEFAULT_POLICY, new ManualClock(START));
    await domain.init();
    await seedCustomers(domain, 0, 1 + TWINS + CRASHED + 1, { equipment: true });
    uri = databaseUri(connection.name);
    db = connection.db!;
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
  });

  const defectsOf = (runs: Run[], network: Network, reference: string[]) =>
    effectDefects(domain, db, runs, network, reference);

  it('the same message sent to two processes at once: answered once, one case with its timers, one folio', async () => {
    const network = new Network();
    const a = start('A', network);
    const b = start('B', network);
    await Promise.all([a.ready, b.ready]);
    const [ref] = runsOf(1, 0, 'ref');
    for (let n = 0; n < ref!.script.length; n++) await send(a, ref!, n);
    const reference = network.keysOf(ref!.user);
    expect(reference).toContain('case.opened');
    // The folio is the last thing done; "¿algo más?" follows it (issue 13).
    expect(reference.slice(-2)).toEqual(['visit.folioConfirmed', 'common.askAnythingElse']);

    const runs = runsOf(TWINS, 1, 'twin');
    const outcomes: TurnOutcome[][] = [];
    await Promise.all(
      runs.map(async (run) => {
        for (let n = 0; n < run.script.length; n++)
          outcomes.push((await Promise.all([send(a, run, n), send(b, run, n)])).sort());
      }),
    );
    // Each message answered by one process; the other's copy is a duplicate.
    expect(new Set(outcomes.map((o) => o.join()))).toEqual(new Set(['answered,duplicate']));
    const defects = await defectsOf(runs, network, reference);
    console.info(
      `[effects] twins: ${TWINS} conversations × ${reference.length} replies, each message to two processes; ` +
        `defects ${JSON.stringify(defects)}; redelivered after a timeout: ${redelivered.length}`,
    );
    expect(defects).toEqual({ path: [], cases: [], folios: [], timers: [] });
    await Promise.all([a.stop(), b.stop()]);
  }, 180_000);

  it('a process killed mid-run, the network resending what it did not acknowledge: no extra folio, no derailed conversation, no case without its timers', async () => {
    const network = new Network();
    const a = start('C', network);
    await a.ready;
    const [ref] = runsOf(1, 1 + TWINS + CRASHED, 'cref');
    for (let n = 0; n < ref!.script.length; n++) await send(a, ref!, n);
    const reference = network.keysOf(ref!.user);

    const runs = runsOf(CRASHED, 1 + TWINS, 'k');
    const total = CRASHED * technicalScript(0).length;
    // Killed near the end, where conversations open their case and their folio.
    // 20 ms after that acknowledgement, so that the kill lands inside turns, not between them.
    await runUntilKilled(a, runs, send, Math.floor(total * 0.9), (r) => r.script.length, 20);
    const inFlight = runs.filter((r) => r.inFlight !== null).length;
    expect(inFlight).toBeGreaterThan(0);

    const b = start('D', network);
    await b.ready;
    const { resentAcked } = await resume(b, runs, send, (r) => r.script.length);
    expect(new Set(resentAcked)).toEqual(new Set(['duplicate']));
    const defects = await defectsOf(runs, network, reference);
    console.info(
      `[effects] crash: ${CRASHED} conversations, ${inFlight} messages in flight at the kill; ` +
        `defects ${JSON.stringify(defects)}; redelivered after a timeout: ${redelivered.length}`,
    );
    expect(defects).toEqual({ path: [], cases: [], folios: [], timers: [] });
    await b.stop();
  }, 240_000);
});
