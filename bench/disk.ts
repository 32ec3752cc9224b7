// Disk per message: what the engine stores for each customer message, in two scenarios on the
// embedded database, each in a database (one SQLite file) of its own:
//
// - flood: one user sends N messages as fast as the engine takes them (nonsense: not
//   understood → hand-off queue → "still queued" replies), as an attacker does;
// - conversations: U customers each run the benchmark's 19-turn technical conversation.
//
// For each it reports the bytes the engine inserted per message (the BSON of every document
// it sent, by collection: deterministic, what the tests bound) and what the SQLite files grew
// by (main file, WAL, after a checkpoint), with each collection's rows, JSON and pages.
//
//   npx tsx bench/disk.ts                       2,000-message flood, 100 conversations
//   npx tsx bench/disk.ts --flood 500 --users 20 --out /tmp/disk.json
//
// It is a measurement: it exits 1 only when a turn failed.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { BSON, type CommandStartedEvent, type Document } from 'mongodb';
import mongoose from 'mongoose';
import { assembleAtiende } from '../src/app/assemble.ts';
import { startEmbeddedDatabase } from '../src/bot/database/embedded-ferretdb.ts';
import type { Runtime } from '../src/bot/runtime.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../src/domain/policy/index.ts';
import { BenchChannel, benchCustomer, technicalScript } from './conversation.ts';
import { pool, round } from './measure.ts';

const execFileAsync = promisify(execFile);
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** Tuesday 10:00 in Mexico City: office hours, so a hand-off queues for a person. */
const BUSINESS_TIME = '2026-03-10T16:00:00Z';

const { values: args } = parseArgs({
  options: {
    flood: { type: 'string', default: '2000' },
    users: { type: 'string', default: '100' },
    'in-flight': { type: 'string', default: '64' },
    out: { type: 'string' },
  },
});
const floodMessages = Number(args.flood);
const users = Number(args.users);
const inFlight = Number(args['in-flight']);
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Collections named by a number (a minute, an hour) count as one. */
const collectionKind = (name: string) => name.replace(/_\d+$/, '_<n>');

/** What the engine sent to the database in insert commands, by collection. */
class InsertMeter {
  readonly byCollection = new Map<string, { documents: number; bytes: number }>();
  /** The conversation states inserted, for the breakdown of their size. */
  readonly states: Document[] = [];

  observe(event: CommandStartedEvent): void {
    if (event.commandName !== 'insert') return;
    const name = collectionKind(String(event.command.insert));
    const entry = this.byCollection.get(name) ?? { documents: 0, bytes: 0 };
    for (const doc of (event.command.documents ?? []) as Document[]) {
      entry.documents++;
      entry.bytes += BSON.calculateObjectSize(doc);
      if (name === 'conversation_states') this.states.push(doc);
    }
    this.byCollection.set(name, entry);
  }

  get bytes(): number {
    let sum = 0;
    for (const entry of this.byCollection.values()) sum += entry.bytes;
    return sum;
  }
}

/**
 * The average size of a stored state's parts: its BSON, its binary body and, inside the body
 * (JSON lines: the snapshot, the session fields in the layout since 2026-11-28, then an
 * object), each part's and field's JSON.
 */
function stateBreakdown(states: readonly Document[]): Record<string, number> {
  const sums: Record<string, number> = {};
  const add = (key: string, bytes: number) => (sums[key] = (sums[key] ?? 0) + bytes);
  for (const doc of states) {
    add('document (BSON)', BSON.calculateObjectSize(doc));
    const body = doc.body as { buffer: Uint8Array } | undefined;
    if (!body) continue;
    const text = Buffer.from(body.buffer).toString('utf8');
    add('body', Buffer.byteLength(text));
    // JSON lines: the last one is an object, those before it the snapshot and session fields.
    const parts = text.split('\n');
    const rest = JSON.parse(parts.pop()!) as Record<string, unknown>;
    const names = ['snapshot', 'fields'];
    parts.forEach((part, i) => add(`body.${names[i] ?? i}`, Buffer.byteLength(part)));
    for (const [key, value] of Object.entries(rest)) {
      add(`body.${key}`, Buffer.byteLength(JSON.stringify(value) ?? ''));
    }
  }
  return Object.fromEntries(
    Object.entries(sums).map(([key, sum]) => [key, round(sum / Math.max(1, states.length), 0)]),
  );
}

/** The sizes of a database's SQLite files. */
function files(dir: string, database: string) {
  const size = (suffix: string) => {
    try {
      return statSync(join(dir, `${database}.sqlite${suffix}`)).size;
    } catch {
      return 0;
    }
  };
  const main = size('');
  const wal = size('-wal');
  const shm = size('-shm');
  return { main, wal, shm, total: main + wal + shm };
}

/** Runs SQL on a database file with the sqlite3 shell (null when there is none). */
async function sqlite(file: string, sql: string): Promise<Document[] | null> {
  try {
    const { stdout } = await execFileAsync('sqlite3', ['-json', file, sql]);
    return stdout.trim() ? (JSON.parse(stdout) as Document[]) : [];
  } catch {
    return null;
  }
}

/** Each collection's rows, the JSON FerretDB stores for them, and their pages with indexes. */
async function tables(file: string): Promise<Document[] | null> {
  const collections = await sqlite(file, 'SELECT name, table_name FROM _ferretdb_collections');
  const pages = await sqlite(file, 'SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name');
  if (!collections || !pages) return null;
  const sums = new Map<string, Document>();
  for (const { name, table_name: table } of collections) {
    const [row] =
      (await sqlite(
        file,
        `SELECT COUNT(*) AS rows, COALESCE(SUM(LENGTH(_ferretdb_sjson)), 0) AS json FROM "${table}"`,
      )) ?? [];
    const tableBytes = pages.find((p) => p.name === table)?.bytes ?? 0;
    const indexBytes = pages
      .filter((p) => p.name !== table && String(p.name).startsWith(`${table}_`))
      .reduce((sum, p) => sum + Number(p.bytes), 0);
    const kind = collectionKind(String(name));
    const sum = sums.get(kind) ?? {
      collection: kind,
      rows: 0,
      json: 0,
      tablePages: 0,
      indexPages: 0,
    };
    sum.rows += Number(row?.rows ?? 0);
    sum.json += Number(row?.json ?? 0);
    sum.tablePages += Number(tableBytes);
    sum.indexPages += indexBytes;
    sums.set(kind, sum);
  }
  return [...sums.values()].sort(
    (a, b) => b.tablePages + b.indexPages - a.tablePages - a.indexPages,
  );
}

interface Scenario {
  name: string;
  /** Messages the scenario sends; it returns how many were answered and the replies' keys. */
  messages: number;
  drive(runtime: Runtime, channel: BenchChannel, clock: ManualClock): Promise<Document>;
}

async function measure(uri: string, dir: string, scenario: Scenario): Promise<Document> {
  const database = `disk_${scenario.name}`;
  const url = new URL(uri);
  url.pathname = `/${database}`;
  const connection = mongoose.createConnection(url.toString(), {
    autoIndex: false,
    maxPoolSize: 20,
    monitorCommands: true,
  });
  await connection.asPromise();
  const meter = new InsertMeter();
  let metering = false;
  connection.getClient().on('commandStarted', (e) => metering && meter.observe(e));
  const clock = new ManualClock(BUSINESS_TIME);
  const channel = new BenchChannel('terminal');
  const atiende = await assembleAtiende({
    database: { connection },
    policy: DEFAULT_POLICY,
    clock,
    channels: [channel],
    seedDemo: true,
    engine: { recoveryGraceMs: 10 },
  });
  const file = join(dir, `${database}.sqlite`);
  try {
    await pool(users, 16, (i) => atiende.runtime.domain.customers.save(benchCustomer('DK', i)));
    await atiende.start();
    await sqlite(file, 'PRAGMA wal_checkpoint(TRUNCATE)');
    const before = files(dir, database);
    metering = true;
    const started = performance.now();
    const driven = await scenario.drive(atiende.runtime, channel, clock);
    const seconds = (performance.now() - started) / 1000;
    await new Promise((done) => setTimeout(done, 200)); // the journal's settled entries linger
    metering = false;
    const after = files(dir, database);
    const byTable = await tables(file);
    const checkpoint = await sqlite(file, 'PRAGMA wal_checkpoint(TRUNCATE)');
    const checkpointed = files(dir, database);
    const perMessage = (bytes: number) => round(bytes / scenario.messages, 0);
    const inserted = Object.fromEntries(
      [...meter.byCollection].map(([name, e]) => [
        name,
        { ...e, bytesPerMessage: perMessage(e.bytes) },
      ]),
    );
    const result = {
      messages: scenario.messages,
      seconds: round(seconds, 1),
      ...driven,
      insertedBytesPerMessage: perMessage(meter.bytes),
      inserted,
      conversationState: stateBreakdown(meter.states),
      files: {
        before,
        after,
        afterCheckpoint: checkpointed,
        checkpoint: checkpoint?.[0] ?? 'no sqlite3 shell',
        grewPerMessage: perMessage(after.total - before.total),
        grewPerMessageAfterCheckpoint: perMessage(checkpointed.total - before.total),
      },
      tables: byTable,
    };
    log(
      `  ${scenario.name}: ${scenario.messages} messages in ${result.seconds} s; inserted ` +
        `${result.insertedBytesPerMessage} B/message; files +${result.files.grewPerMessage} B/message ` +
        `(+${result.files.grewPerMessageAfterCheckpoint} after a checkpoint)`,
    );
    return result;
  } finally {
    await atiende.stop();
    await connection.close();
  }
}

/** Counts reply keys. */
function tally(keys: Map<string, number>, replies: { reply: { key: string } }[]): void {
  for (const r of replies) keys.set(r.reply.key, (keys.get(r.reply.key) ?? 0) + 1);
}

const flood: Scenario = {
  name: 'flood',
  messages: floodMessages,
  async drive(runtime, channel, clock) {
    const outcomes = new Map<string, number>();
    const keys = new Map<string, number>();
    let failed = 0;
    await pool(floodMessages, inFlight, async (i) => {
      clock.advance(5); // 2,000 messages in 10 s of business time
      try {
        const outcome = await runtime.engine.handle({
          channel: channel.kind,
          channelUserId: 'flood-1',
          messageId: `flood-${i}`,
          text: `zq${(i * 7919) % 10_007} blorf ${i}`,
          receivedAt: clock.now(),
        });
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      } catch {
        failed++;
      }
      tally(keys, channel.take('flood-1'));
    });
    return { failed, outcomes: Object.fromEntries(outcomes), replies: Object.fromEntries(keys) };
  },
};

const conversations: Scenario = {
  name: 'conversations',
  messages: users * technicalScript('X', 'X').length,
  async drive(runtime, channel, clock) {
    let failed = 0;
    let folios = 0;
    await pool(users, 50, async (i) => {
      const customer = benchCustomer('DK', i);
      const user = `talk-${i}`;
      for (const [step, { message }] of technicalScript(
        customer.accountNumber,
        customer.equipment[0]!.serial,
      ).entries()) {
        clock.advance(1);
        try {
          await runtime.engine.handle({
            channel: channel.kind,
            channelUserId: user,
            messageId: `${user}:${step}`,
            text: typeof message === 'string' ? message : '',
            choice: typeof message === 'string' ? undefined : message.choice,
            receivedAt: clock.now(),
          });
        } catch {
          failed++;
        }
        if (channel.take(user).some((m) => m.reply.key === 'visit.folioConfirmed')) folios++;
      }
    });
    return { failed, folios };
  },
};

async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'atiende-disk-'));
  const server = await startEmbeddedDatabase(dir, log);
  try {
    log(`atiende disk per message: embedded FerretDB v1.24 (SQLite), node ${process.version}`);
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      database: 'embedded FerretDB v1.24 (SQLite backend, WAL, synchronous=normal)',
      flood: await measure(server.uri, dir, flood),
      conversations: await measure(server.uri, dir, conversations),
    };
    const out = args.out ?? join(BENCH_DIR, 'results', `${report.date.slice(0, 10)}-disk-run.json`);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    log(`  written to ${out}`);
    return report.flood.failed + report.conversations.failed > 0 ? 1 : 0;
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
