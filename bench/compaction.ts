// Compaction (issue 17), measured on the embedded database: N finished conversations (the
// benchmark's 19-turn technical conversation and a thank-you, cloned document by document from
// one run through the engine, in generation 0), their bytes per conversation before and after,
// the time `compactConversations` takes to move them into the next generation, and then to
// drop generation 0 whole; and the database commands each conversation cost (point reads,
// documents inserted, documents deleted), counted by the driver's command monitoring.
//
//   npx tsx bench/compaction.ts                                   100,000 conversations
//   npx tsx bench/compaction.ts --conversations 10000 --out /tmp/compaction.json
//
// Bytes are what SQLite's pages hold per table (`dbstat`), after a WAL checkpoint; the main
// file does not shrink by itself (SQLite reuses its free pages), so the size of a `VACUUM INTO`
// copy — what `npm run backup` writes — is reported too.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type { Document } from 'mongodb';
import mongoose from 'mongoose';
import { assembleAtiende } from '../src/app/assemble.ts';
import { startEmbeddedDatabase } from '../src/bot/database/embedded-ferretdb.ts';
import { conversationIdOf } from '../src/bot/engine/messages.ts';
import { compactConversations } from '../src/bot/retention/index.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../src/domain/policy/index.ts';
import { benchCustomer, technicalScript } from './conversation.ts';
import { round } from './measure.ts';

const execFileAsync = promisify(execFile);
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const DAY_MS = 86_400_000;
const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    out: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    shared: {
      type: 'string',
      default: 'not said (pass --shared to say what else ran on the host)',
    },
  },
});
const N = Number(args.conversations);
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

async function sqlite(file: string, sql: string): Promise<Document[]> {
  const { stdout } = await execFileAsync('sqlite3', ['-json', file, sql], {
    maxBuffer: 64 << 20,
  });
  return stdout.trim() ? (JSON.parse(stdout) as Document[]) : [];
}

/** Bytes of pages per collection (table and its indexes), by FerretDB's table names. */
async function bytesByCollection(file: string): Promise<Record<string, number>> {
  const names = await sqlite(file, 'SELECT name, table_name FROM _ferretdb_collections');
  const pages = await sqlite(file, 'SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name');
  const out: Record<string, number> = {};
  for (const { name, table_name } of names as { name: string; table_name: string }[]) {
    out[name] = pages
      .filter((p) => p.name === table_name || String(p.name).startsWith(`${table_name}_`))
      .reduce((sum, p) => sum + Number(p.bytes), 0);
  }
  return out;
}

const dataDir = await mkdtemp(join(tmpdir(), 'atiende-compaction-'));
const embedded = await startEmbeddedDatabase(dataDir);
const database = 'compaction';
const file = join(dataDir, `${database}.sqlite`);
const url = new URL(embedded.uri);
url.pathname = `/${database}`;
const connection = mongoose.createConnection(url.toString(), {
  autoIndex: false,
  maxPoolSize: 20,
  monitorCommands: true,
});
await connection.asPromise();
/** Commands counted while `counting`: reads (find), documents inserted and deleted. */
const ops = { reads: 0, inserted: 0, deleted: 0, other: 0 };
let counting = false;
connection.getClient().on('commandStarted', (event) => {
  if (!counting) return;
  const command = event.command as { documents?: unknown[]; deletes?: unknown[] };
  if (event.commandName === 'find') ops.reads++;
  else if (event.commandName === 'insert') ops.inserted += command.documents?.length ?? 0;
  else if (event.commandName === 'delete') ops.deleted += command.deletes?.length ?? 0;
  else ops.other++;
});
try {
  // One finished conversation through the engine: the template.
  const clock = new ManualClock('2026-03-10T16:00:00Z');
  const atiende = await assembleAtiende({
    database: { connection },
    policy: DEFAULT_POLICY,
    clock,
    channels: ['terminal'],
    seedDemo: true,
  });
  const customer = benchCustomer('CB', 0);
  await atiende.runtime.domain.customers.save(customer);
  const channel = atiende.channel('terminal');
  const script = technicalScript(customer.accountNumber, customer.equipment[0]!.serial);
  const steps = [...script.map((s) => s.message), 'gracias, eso es todo'];
  for (const [n, message] of steps.entries())
    await channel.receive(
      typeof message === 'string'
        ? channel.inbound('template', `t${n}`, message)
        : channel.inbound('template', `t${n}`, '', { choice: message.choice }),
    );
  const templateId = conversationIdOf('terminal', 'template');
  const versions = atiende.runtime.stores.versions;
  const template = (await versions.states.find({ conversationId: templateId }).toArray()).sort(
    (a, b) => a.version - b.version,
  );
  const latest = (await versions.latest(templateId))!;
  log(`template: ${template.length} versions, mode ${latest.mode}`);

  // N clones, 60 days old.
  const old = (d: Date) => new Date(d.getTime() - 60 * DAY_MS);
  const loadStarted = performance.now();
  const CHUNK = 250;
  for (let start = 0; start < N; start += CHUNK) {
    const docs: Document[] = [];
    const heads: Document[] = [];
    for (let i = start; i < Math.min(N, start + CHUNK); i++) {
      const id = conversationIdOf('terminal', `c${i}`);
      heads.push({ _id: id, createdAt: old(template[0]!.createdAt) });
      for (const doc of template)
        docs.push({
          ...doc,
          _id: `${id}:${doc.version}`,
          conversationId: id,
          answers: doc.answers.includes(templateId)
            ? doc.answers.replace(templateId, id)
            : `${doc.answers}:${id}`,
          createdAt: old(doc.createdAt),
        });
    }
    await Promise.all([
      versions.states.insertMany(docs as never[], { ordered: false }),
      versions.heads.insertMany(heads as never[], { ordered: false }),
    ]);
    if ((start / CHUNK) % 40 === 0) log(`loaded ${start + CHUNK}/${N}`);
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  await sqlite(file, 'PRAGMA wal_checkpoint(TRUNCATE)');
  const before = await bytesByCollection(file);
  const fileBefore = statSync(file).size;
  log(`loaded in ${round(loadSeconds, 1)} s; states ${before.conversation_states} B`);

  // Compaction: the conversations, 60 days old in generation 0, moved to the generation of a
  // month later; then, a day after, generation 0 dropped whole.
  let lastTenth = -1;
  const loadAtStart = loadavg().map((l) => round(l, 1));
  const started = performance.now();
  counting = true;
  const report = await compactConversations(versions, {
    now: new Date(clock.now().getTime() + 31 * DAY_MS),
    concurrency: Number(args.concurrency),
    onProgress: ({ done, total }) => {
      const tenth = Math.floor((done / Math.max(1, total)) * 10);
      if (tenth !== lastTenth) log(`compacted ${done}/${total}`);
      lastTenth = tenth;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  counting = false;
  const perMoved = Object.fromEntries(
    Object.entries(ops).map(([k, v]) => [k, round(v / Math.max(1, report.compacted), 2)]),
  );
  log(
    `moved ${report.compacted} in ${round(seconds, 1)} s; per conversation ${JSON.stringify(perMoved)}`,
  );
  const dropStarted = performance.now();
  const drop = await compactConversations(versions, {
    now: new Date(clock.now().getTime() + 33 * DAY_MS),
    concurrency: Number(args.concurrency),
  });
  const dropSeconds = (performance.now() - dropStarted) / 1000;
  log(`second run in ${round(dropSeconds, 1)} s: dropped ${JSON.stringify(drop.dropped)}`);
  await sqlite(file, 'PRAGMA wal_checkpoint(TRUNCATE)');
  const after = await bytesByCollection(file);
  const fileAfter = statSync(file).size;
  const vacuumed = join(dataDir, 'vacuumed.sqlite');
  await sqlite(file, `VACUUM INTO '${vacuumed}'`);
  const vacuumedSize = statSync(vacuumed).size;

  // A sample reads back as the template's latest state.
  const sample = Array.from({ length: 20 }, (_, k) => Math.floor((k * N) / 20));
  let same = 0;
  for (const i of sample) {
    const state = await versions.latest(conversationIdOf('terminal', `c${i}`));
    if (
      state &&
      state.snapshot === latest.snapshot &&
      state.transcript.length === latest.transcript.length
    )
      same++;
  }
  await atiende.stop();

  const perConversation = (bytes: Record<string, number>) => {
    const of = ['conversation_heads', 'conversation_floors'];
    // Every generation's versions together.
    const states = Object.entries(bytes)
      .filter(([c]) => c.startsWith('conversation_states'))
      .reduce((a, [, b]) => a + b, 0);
    return {
      conversation_states: round(states / N, 0),
      ...Object.fromEntries(of.map((c) => [c, round((bytes[c] ?? 0) / N, 0)])),
    };
  };
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const result = {
    what: 'compaction of finished conversations on the embedded database (issue 17)',
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map((l) => round(l, 1)),
      shared: args.shared,
      node: process.version,
      database: 'embedded FerretDB v1.24 (SQLite backend)',
    },
    conversations: N,
    versionsPerConversation: template.length,
    templateMode: latest.mode,
    loadSeconds: round(loadSeconds, 1),
    compaction: {
      seconds: round(seconds, 1),
      conversationsPerSecond: round(report.compacted / seconds, 0),
      concurrency: Number(args.concurrency),
      commandsPerMovedConversation: perMoved,
      report,
      dropRun: { seconds: round(dropSeconds, 1), report: drop },
    },
    bytesPerConversation: {
      before: perConversation(before),
      after: perConversation(after),
      totalBefore: round(sum(perConversation(before)), 0),
      totalAfter: round(sum(perConversation(after)), 0),
    },
    sqliteFile: {
      before: fileBefore,
      after: fileAfter,
      vacuumedCopy: vacuumedSize,
      note: 'the main file keeps its pages (SQLite reuses freed pages for new rows); a VACUUM INTO copy, as npm run backup writes, shows the bytes left',
    },
    sampleReadBackAsTemplate: `${same}/${sample.length}`,
  };
  const out =
    args.out ??
    join(BENCH_DIR, 'results', `${new Date().toISOString().slice(0, 10)}-compaction.json`);
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`written ${out}`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await connection.close().catch(() => undefined);
  await embedded.stop();
  await rm(dataDir, { recursive: true, force: true });
}
