// Reads by `_id` on the embedded database: what the state store does on a cache miss. Inserts
// N documents of ~250 bytes, then times `insertOne`, `findOne` by `_id` and `findOne` by another
// field one at a time, and prints the plan of a read by `_id`. With FERRETDB_POSTGRESQL_URL set
// it measures the PostgreSQL backend, else SQLite.
//
//   npx tsx bench/id-read.ts                 20,000 documents, 500 timed operations each
//   npx tsx bench/id-read.ts --docs 5000 --ops 200
//   npx tsx bench/id-read.ts --binary .cache/ferretdb/<hash>/ferretdb-embedded   another build
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { ensureFerretdbBinary } from '../src/bot/database/embedded-ferretdb.ts';
import { launchServer } from '../src/bot/database/server-process.ts';

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '20000' },
    ops: { type: 'string', default: '500' },
    binary: { type: 'string' },
    port: { type: 'string', default: '27391' },
  },
});
const DOCS = Number(args.docs);
const OPS = Number(args.ops);

interface Probe {
  _id: string;
  n: number;
  tag: string;
  body: string;
}

const doc = (n: number): Probe => ({
  _id: `conversation-${n.toString().padStart(8, '0')}`,
  n,
  tag: `t${n}`,
  body: 'x'.repeat(200),
});

async function meanMs(times: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < times; i++) await run(i);
  return Math.round(((performance.now() - started) / times) * 100) / 100;
}

const dir = await mkdtemp(join(tmpdir(), 'atiende-id-read-'));
const binary = args.binary ?? (await ensureFerretdbBinary());
const server = await launchServer(binary, Number(args.port), dir, 15_000);
const client = await new MongoClient(`mongodb://127.0.0.1:${args.port}/`).connect();
try {
  const collection = client.db(`idread_${process.pid}`).collection<Probe>('probe');
  for (let from = 0; from < DOCS; from += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, DOCS - from) }, (_, i) => doc(from + i));
    await collection.insertMany(batch);
  }
  // The wrapper indexes a new table within a fraction of a second.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const pick = (i: number) => (i * 7919) % DOCS;
  const insertOne = await meanMs(OPS, (i) => collection.insertOne(doc(DOCS + i)));
  const findById = await meanMs(OPS, async (i) => {
    if (!(await collection.findOne({ _id: doc(pick(i))._id }))) throw new Error('not found');
  });
  const findByOther = await meanMs(Math.min(OPS, 20), async (i) => {
    if (!(await collection.findOne({ tag: `t${pick(i)}` }))) throw new Error('not found');
  });
  const explained = (await collection.find({ _id: doc(pick(3))._id }).explain()) as Record<
    string,
    unknown
  >;
  console.log(
    JSON.stringify(
      {
        binary,
        backend: process.env.FERRETDB_POSTGRESQL_URL ? 'postgresql' : 'sqlite',
        documents: DOCS,
        meanMs: { insertOne, findOneById: findById, findOneByOtherField: findByOther },
        planOfReadById: explained.queryPlanner,
      },
      null,
      2,
    ),
  );
  await client.db(`idread_${process.pid}`).dropDatabase();
} finally {
  await client.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
