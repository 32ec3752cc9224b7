/**
 * The embedded server on PostgreSQL (`FERRETDB_POSTGRESQL_URL`): FerretDB v1 pushes a read by
 * `_id` down as `_jsonb->'_id' @> $2`, which its own B-tree index cannot answer, so every
 * findOne by `_id` read the whole table. Our wrapper adds a GIN index on that expression to
 * every collection's table, including tables created while it runs (ARCHITECTURE "Measured").
 * Needs PostgreSQL's server programs (`.ci/run` installs Debian's `postgresql`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFerretdbBinary } from '../../../src/bot/database/embedded-ferretdb.ts';
import { launchServer, type ServerProcess } from '../../../src/bot/database/server-process.ts';
import {
  findPostgresBin,
  freePort,
  startTestPostgres,
  type TestPostgres,
} from '../../support/postgresql.ts';

const bin = findPostgresBin();
if (!bin)
  console.error(
    '\n*** SKIPPED: the PostgreSQL backend tests need PostgreSQL (initdb, pg_ctl), found neither ' +
      'on PATH nor in /usr/lib/postgresql/*/bin: apt-get install postgresql (.ci/run does). ***\n',
  );

interface Explained {
  queryPlanner?: { Plan?: { 'Node Type'?: string; Plans?: { 'Index Name'?: string }[] } };
}

/** The plan's node and the index it uses, if any. */
function planOf(explained: Explained): string {
  const plan = explained.queryPlanner?.Plan;
  const index = plan?.Plans?.find((p) => p['Index Name'])?.['Index Name'];
  return `${plan?.['Node Type']} ${index ?? ''}`.trim();
}

describe.skipIf(!bin)('embedded database on PostgreSQL: reads by _id', () => {
  let postgres: TestPostgres;
  let dir: string;
  const servers: ServerProcess[] = [];
  const clients: MongoClient[] = [];

  /** The wrapper on the cluster, on a port of its own. */
  async function startServer(): Promise<MongoClient> {
    const port = await freePort();
    const binary = await ensureFerretdbBinary();
    const previous = process.env.FERRETDB_POSTGRESQL_URL;
    process.env.FERRETDB_POSTGRESQL_URL = postgres.url; // the child inherits it
    try {
      servers.push(await launchServer(binary, port, dir, 15_000));
    } finally {
      if (previous === undefined) delete process.env.FERRETDB_POSTGRESQL_URL;
      else process.env.FERRETDB_POSTGRESQL_URL = previous;
    }
    const client = await new MongoClient(`mongodb://127.0.0.1:${port}/`).connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    postgres = await startTestPostgres(bin!);
    dir = await mkdtemp(join(tmpdir(), 'atiende-ferretdb-pg-'));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.stop()));
    postgres?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** 500 documents: on a table of a few rows PostgreSQL rightly prefers a scan to any index. */
  const fill = (client: MongoClient, db: string, name: string) =>
    client
      .db(db)
      .collection<{ _id: string; n: number }>(name)
      .insertMany(Array.from({ length: 500 }, (_, n) => ({ _id: `doc-${n}`, n })));

  /** Polls the plan of a read by `_id` until it uses an index (5 s at most). */
  async function planOfRead(client: MongoClient, db: string, name: string, id: string) {
    const collection = client.db(db).collection<{ _id: string }>(name);
    const deadline = Date.now() + 5_000;
    let plan = '';
    while (Date.now() < deadline) {
      expect(await collection.findOne({ _id: id })).toMatchObject({ _id: id });
      plan = planOf((await collection.find({ _id: id }).explain()) as Explained);
      if (plan.includes('_atiende_id_read')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return plan;
  }

  it('are index lookups, not sequential scans, on collections created while it runs (long names too)', async () => {
    const client = await startServer();
    const db = client.db('atiende');
    const long = 'a_collection_whose_name_is_longer_than_postgresql_allows_for_an_index_name';
    for (const name of ['probe', long]) {
      await fill(client, 'atiende', name);
      expect(await planOfRead(client, 'atiende', name, 'doc-7')).toMatch(
        /^Bitmap Heap Scan \S+_atiende_id_read$/,
      );
    }
    // A second database is a second schema: its tables are found too.
    await fill(client, 'other', 'probe');
    expect(await planOfRead(client, 'other', 'probe', 'doc-3')).toMatch(/_atiende_id_read$/);

    // Reads by another field still scan; deletes and updates by _id still work.
    const probe = db.collection<{ _id: string; n: number }>('probe');
    expect(await probe.findOne({ n: 9 })).toMatchObject({ _id: 'doc-9' });
    await probe.deleteOne({ _id: 'doc-9' });
    await probe.updateOne({ _id: 'doc-8' }, { $set: { n: 80 } });
    expect(await probe.countDocuments()).toBe(499);
    expect(await probe.findOne({ _id: 'doc-8' })).toMatchObject({ n: 80 });

    // The indexes are ordinary PostgreSQL indexes, valid and of the expression FerretDB queries.
    const indexes = postgres.psql(
      `SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE '%\\_atiende\\_id\\_read'`,
    );
    expect(indexes.trim().split('\n')).toHaveLength(3);
    for (const line of indexes.trim().split('\n'))
      expect(line).toMatch(
        /^t\|CREATE INDEX \S+ ON \S+ USING gin \(\(\(_jsonb -> '_id'::text\)\) jsonb_path_ops\)/,
      );
  });

  it('a table that lost its index (or never had it: an upgrade) gets it again, also on a second server', async () => {
    const first = await startServer();
    await fill(first, 'atiende', 'later');
    expect(await planOfRead(first, 'atiende', 'later', 'doc-1')).toMatch(/_atiende_id_read$/);
    // Two wrappers on one server (two atiende machines): the index is built once, dropped, and
    // built again by one of them.
    const second = await startServer();
    const index = postgres
      .psql(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'atiende' AND c.relname LIKE 'later%\\_atiende\\_id\\_read'`,
      )
      .trim();
    expect(index).toMatch(/^later_\w+_atiende_id_read$/);
    const oid = () => postgres.psql(`SELECT oid FROM pg_class WHERE relname = '${index}'`).trim();
    const before = oid();
    postgres.psql(`DROP INDEX atiende."${index}"`);
    expect(await planOfRead(second, 'atiende', 'later', 'doc-2')).toMatch(/_atiende_id_read$/);
    expect(oid()).toMatch(/^\d+$/);
    expect(oid()).not.toBe(before); // built again, not the old one
  });
});
