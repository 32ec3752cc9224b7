// npm run chaos — every effect once, under crashes, at a scale the test suite does not run:
// R runs of N customers, each through the whole technical flow (19 turns: identification,
// troubleshooting, intake, the case with its SLA timers, a visit and its folio) on real engine
// processes, each run's process SIGKILLed K times at random moments and the network resending
// what it did not acknowledge (and, for every third customer, the last acknowledged message
// too). After each run, for every conversation: the replies of a clean run, one case with both
// SLA timers, one folio, and no delivery id delivered twice by one process.
//
//   npm run chaos                          5 runs × 50 customers × 3 kills
//   npm run chaos -- --runs 13 --customers 100 --kills 4
//
// Writes bench/results/<date>-chaos.json; exits 1 when any defect was found.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startEmbeddedDatabase } from '../src/bot/database/embedded-ferretdb.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { createDomain } from '../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../src/domain/policy/index.ts';
import {
  EngineWorker,
  Network,
  START,
  effectDefects,
  inboundOf,
  redeliverOnTimeout,
  resume,
  runUntilKilled,
  seedCustomers,
  seeded,
  technicalScript,
  type EffectDefects,
  type Run,
} from '../test/integration/reliability/fixtures.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    customers: { type: 'string', default: '50' },
    kills: { type: 'string', default: '3' },
    seed: { type: 'string', default: '20261128' },
    out: { type: 'string' },
  },
});
const RUNS = Number(args.runs);
const CUSTOMERS = Number(args.customers);
const KILLS = Number(args.kills);
const random = seeded(Number(args.seed));

const external = process.env.MONGODB_URI;
const dataDir = external ? null : await mkdtemp(join(tmpdir(), 'atiende-chaos-'));
const server = dataDir ? await startEmbeddedDatabase(dataDir) : null;
const baseUri = external ?? server!.uri;

const totals = {
  runs: RUNS,
  customers: RUNS * CUSTOMERS,
  messages: 0,
  kills: 0,
  inFlightAtKills: 0,
  redeliveredAfterTimeout: 0,
  defects: { path: 0, cases: 0, folios: 0, timers: 0, repeatedDeliveries: 0 },
};
const examples: (EffectDefects & { run: number; repeatedDeliveries: string[] })[] = [];

for (let r = 1; r <= RUNS; r++) {
  const url = new URL(baseUri);
  url.pathname = `/chaos_${Date.now()}_${r}`;
  const uri = url.toString();
  const connection = mongoose.createConnection(uri, { autoIndex: false });
  await connection.asPromise();
  const domain = createDomain(connection, DEFAULT_POLICY, new ManualClock(START));
  await domain.init();
  await seedCustomers(domain, 0, CUSTOMERS + 1, { equipment: true });

  const network = new Network();
  const workers: EngineWorker[] = [];
  const start = async (name: string) => {
    const worker = new EngineWorker(name, uri, START, network.onDelivered);
    workers.push(worker);
    await worker.ready;
    return worker;
  };
  const redelivered: string[] = [];
  const send = (worker: EngineWorker, run: Run, n: number) => {
    totals.messages++;
    return redeliverOnTimeout(`${run.user}-m${n}`, redelivered, () =>
      worker.handle(inboundOf(run.user, n, run.script[n]!)),
    );
  };
  const runOf = (i: number, user: string): Run => ({
    user,
    script: technicalScript(i),
    acked: 0,
    inFlight: null,
    outcomes: [],
  });

  let worker = await start(`r${r}w0`);
  const reference = runOf(0, 'ref');
  for (let n = 0; n < reference.script.length; n++) await send(worker, reference, n);
  const referenceKeys = network.keysOf('ref');

  const runs = Array.from({ length: CUSTOMERS }, (_, k) => runOf(k + 1, `c${k + 1}`));
  const total = runs.reduce((sum, run) => sum + run.script.length, 0);
  // K kill points at random, after at least a few acknowledged messages each.
  const points = Array.from({ length: KILLS }, () => Math.floor(random() * total * 0.9) + 1).sort(
    (a, b) => a - b,
  );
  let acked = 0;
  for (const [k, point] of points.entries()) {
    const killAfter = Math.max(1, point - acked);
    const before = runs.reduce((sum, run) => sum + run.acked, 0);
    // A few milliseconds after the acknowledgement, so that the kill lands inside turns.
    await runUntilKilled(
      worker,
      runs,
      send,
      killAfter,
      (run) => run.script.length,
      1 + Math.floor(random() * 40),
    );
    totals.kills++;
    totals.inFlightAtKills += runs.filter((run) => run.inFlight !== null).length;
    acked = runs.reduce((sum, run) => sum + run.acked, 0);
    if (acked === before) break;
    worker = await start(`r${r}w${k + 1}`);
    // Resend what was not acknowledged (and the last acknowledged of every third customer).
    await resume(worker, runs, send, (run) => run.acked);
    acked = runs.reduce((sum, run) => sum + run.acked, 0);
  }
  await resume(worker, runs, send, (run) => run.script.length);

  const db = connection.db!;
  const defects = await effectDefects(domain, db, runs, network, referenceKeys);
  const repeatedDeliveries = workers.flatMap((w) => network.repeatedWithin(w.name));
  totals.redeliveredAfterTimeout += redelivered.length;
  totals.defects.path += defects.path.length;
  totals.defects.cases += defects.cases.length;
  totals.defects.folios += defects.folios.length;
  totals.defects.timers += defects.timers.length;
  totals.defects.repeatedDeliveries += repeatedDeliveries.length;
  if (Object.values(defects).some((d) => d.length > 0) || repeatedDeliveries.length > 0)
    examples.push({ run: r, ...defects, repeatedDeliveries });
  process.stdout.write(
    `run ${r}/${RUNS}: ${CUSTOMERS} customers, ${points.length} kills, defects ${JSON.stringify({
      path: defects.path.length,
      cases: defects.cases.length,
      folios: defects.folios.length,
      timers: defects.timers.length,
      repeatedDeliveries: repeatedDeliveries.length,
    })}\n`,
  );
  await Promise.all(workers.map((w) => w.kill()));
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
}

await server?.stop();
if (dataDir) await rm(dataDir, { recursive: true, force: true });

const report = { at: new Date().toISOString(), seed: Number(args.seed), totals, examples };
const out =
  args.out ??
  join(
    dirname(fileURLToPath(import.meta.url)),
    'results',
    `${new Date().toISOString().slice(0, 10)}-chaos.json`,
  );
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(totals)}\nresults: ${out}\n`);
process.exit(Object.values(totals.defects).some((n) => n > 0) ? 1 : 0);
