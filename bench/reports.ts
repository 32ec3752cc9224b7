// Supervisor reports over 100,000 cases (issue 16): what a report costs when it is computed from
// the per-day summaries written as cases change, against scanning the cases it covers.
//
//   npx tsx bench/reports.ts                       100,000 cases over a year, in MX
//   npx tsx bench/reports.ts --cases 20000 --out /tmp/r.json
//
// The cases are inserted in batches (their documents as CaseService writes them) and each is
// counted through the same CaseTally calls CaseService makes on open, first contact, closure,
// escalation and survey — the counting is the code under test, the case path around it is not.
// Writes bench/results/<date>-reports.json.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startEmbeddedDatabase } from '../src/bot/database/embedded-ferretdb.ts';
import {
  CASE_CATEGORIES,
  CASE_TYPES,
  type Case,
  type CaseNumber,
} from '../src/domain/cases/case.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { createDomain } from '../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../src/domain/policy/index.ts';
import { DailyTally, dayOf, supervisorReport } from '../src/domain/reports/index.ts';
import { seeded } from '../test/integration/reliability/fixtures.ts';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    out: { type: 'string' },
  },
});
const CASES = Number(args.cases);
const random = seeded(20261128);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const CHANNELS = ['whatsapp', 'webchat', 'telegram', 'http-json', 'email'] as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
const YEAR_START = Date.parse('2025-01-01T06:00:00Z');
const DAYS = 365;
const MIN = 60_000;

const external = process.env.MONGODB_URI;
const dataDir = external ? null : await mkdtemp(join(tmpdir(), 'atiende-reports-'));
const server = dataDir ? await startEmbeddedDatabase(dataDir) : null;
const uri = new URL(external ?? server!.uri);
uri.pathname = `/bench_reports_${Date.now()}`;
const connection = mongoose.createConnection(uri.toString(), { autoIndex: false, maxPoolSize: 20 });
await connection.asPromise();
const domain = createDomain(connection, DEFAULT_POLICY, new ManualClock(new Date(YEAR_START)));
await domain.init();

function caseOf(i: number, day: number): Case {
  const openedAt = new Date(YEAR_START + day * 86_400_000 + Math.floor(random() * 600) * MIN);
  const due = (minutes: number) => new Date(openedAt.getTime() + minutes * MIN);
  return {
    number: `AT-2025-${String(i).padStart(6, '0')}` as CaseNumber,
    openedAt,
    status: 'open',
    level: 'L1',
    sla: { firstContactDue: due(60), responseDue: due(960), solutionDue: due(2_400) },
    matterKey: `bench-${i}`,
    closedAt: null,
    accountNumber: `MX-${i % 5_000}`,
    country: 'MX',
    timeZone: 'America/Mexico_City',
    requesterName: 'Bench',
    contractNumber: null,
    equipmentSerial: `S-${i}`,
    equipmentLocation: null,
    contact: { name: 'Bench', phone: '', email: 'bench@example.com' },
    subject: 'bench case',
    description: 'a case of the reports benchmark',
    stepsToReproduce: null,
    type: pick(CASE_TYPES),
    category: random() < 0.2 ? null : pick(CASE_CATEGORIES),
    area: 'technical',
    severity: null,
    urgency: null,
    priority: pick(PRIORITIES),
    channel: pick(CHANNELS),
    conversationId: null,
    attachments: [],
    solvedAtFirstLevel: false,
  };
}

/** Counts a case's life as CaseService and the desk do: opened, contacted, closed or escalated, surveyed. */
async function countLife(value: Case): Promise<void> {
  await domain.reports.caseOpened(value);
  const open = value.openedAt.getTime();
  await domain.reports.firstContact(value, new Date(open + Math.floor(random() * 120) * MIN));
  if (random() < 0.15) {
    await domain.reports.escalated(value, value.sla.responseDue);
    await domain.reports.slaOutcome(value, 'response', false, value.sla.responseDue);
  }
  if (random() < 0.85) {
    const closedAt = new Date(open + Math.floor(random() * 3_000) * MIN);
    await domain.reports.caseClosed(value, {
      caseNumber: value.number,
      closedAt,
      attentionMinutes: 10,
      resolutionMinutes: Math.round((closedAt.getTime() - open) / MIN),
      solvedAtFirstLevel: random() < 0.4,
      verifiedWith: 'bench',
    });
    if (random() < 0.5)
      await domain.reports.surveyAnswered(value, 1 + Math.floor(random() * 5), closedAt);
  }
}

// Write: day by day, each day's cases inserted in one batch and counted concurrently.
const perDay = Math.ceil(CASES / DAYS);
const write = { insertMs: 0, countMs: 0 };
let made = 0;
const started = Date.now();
for (let day = 0; made < CASES; day++) {
  const batch: Case[] = [];
  for (let k = 0; k < perDay && made < CASES; k++) batch.push(caseOf(++made, day % DAYS));
  let t = performance.now();
  await domain.cases.cases.collection.insertMany(
    batch.map(({ number, ...rest }) => ({ ...rest, _id: number })) as never[],
    { ordered: false },
  );
  write.insertMs += performance.now() - t;
  t = performance.now();
  await Promise.all(batch.map(countLife));
  write.countMs += performance.now() - t;
  if (day % 30 === 0)
    process.stderr.write(
      `  ${made} cases written (${Math.round((Date.now() - started) / 1000)} s)\n`,
    );
}

// Issue 17: counting resolves once the claims are stored; the shards are written after.
const flushStarted = performance.now();
await domain.reports.days.flush();
const flushMs = performance.now() - flushStarted;

const counts = {
  cases: await domain.cases.cases.estimatedDocumentCount(),
  summaryShards: await domain.reports.days.shards.estimatedDocumentCount(),
  countedEvents: await domain.reports.days.counted.estimatedDocumentCount(),
};

async function timed<T>(
  runs: number,
  run: () => Promise<T>,
): Promise<{ meanMs: number; minMs: number; maxMs: number; last: T }> {
  const times: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await run();
    times.push(performance.now() - t);
  }
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    meanMs: round(times.reduce((a, b) => a + b, 0) / runs),
    minMs: round(Math.min(...times)),
    maxMs: round(Math.max(...times)),
    last: last!,
  };
}

const lastDay = dayOf(new Date(YEAR_START + (DAYS - 1) * 86_400_000), 'America/Mexico_City');
const firstDay = dayOf(new Date(YEAR_START), 'America/Mexico_City');
const year = await timed(5, () => supervisorReport(domain.reports.days, 'MX', firstDay, lastDay));
const month = await timed(5, () =>
  supervisorReport(domain.reports.days, 'MX', '2025-06-01', '2025-06-30'),
);
const oneDay = await timed(5, () =>
  supervisorReport(domain.reports.days, 'MX', '2025-06-15', '2025-06-15'),
);

// Issue 17: the periodic catch-up, run by another process while this one (a writer not stopped,
// so a writer it must look at) holds every claim: one scan of the claims in the server, which
// returns those written nowhere (none here).
const catcher = new DailyTally(connection);
const catchUp = await timed(3, () => catcher.catchUp());

// What the summaries avoid: the same "opened by channel" figure from a scan of the year's cases.
const scan = await timed(2, async () => {
  const byChannel: Record<string, number> = {};
  const cursor = domain.cases.cases.collection.find(
    {
      country: 'MX',
      openedAt: { $gte: new Date(YEAR_START), $lt: new Date(YEAR_START + DAYS * 86_400_000) },
    },
    { projection: { channel: 1 } },
  );
  for await (const doc of cursor)
    byChannel[doc.channel as string] = (byChannel[doc.channel as string] ?? 0) + 1;
  return byChannel;
});

const opened = year.last.cases.opened;
const scanned = Object.values(scan.last).reduce((a, b) => a + b, 0);
const result = {
  date: new Date().toISOString(),
  machine: '2 cores shared with other sessions',
  database: external ? 'MongoDB (MONGODB_URI)' : 'embedded FerretDB v1 (SQLite)',
  cases: CASES,
  days: DAYS,
  stored: counts,
  write: {
    insertCasesMs: Math.round(write.insertMs),
    countMs: Math.round(write.countMs),
    countPerCaseMs: Math.round((write.countMs / CASES) * 1000) / 1000,
    shardFlushAfterMs: Math.round(flushMs),
    totalS: Math.round((Date.now() - started) / 1000),
  },
  report: {
    year: { meanMs: year.meanMs, minMs: year.minMs, maxMs: year.maxMs },
    month: { meanMs: month.meanMs, minMs: month.minMs, maxMs: month.maxMs },
    day: { meanMs: oneDay.meanMs, minMs: oneDay.minMs, maxMs: oneDay.maxMs },
  },
  catchUpOfAllClaims: {
    claims: counts.countedEvents,
    caught: catchUp.last,
    meanMs: catchUp.meanMs,
    minMs: catchUp.minMs,
    maxMs: catchUp.maxMs,
  },
  scanOfCasesForOneFigure: { meanMs: scan.meanMs, minMs: scan.minMs, maxMs: scan.maxMs },
  check: {
    openedFromSummaries: opened,
    openedFromScan: scanned,
    byChannelEqual:
      JSON.stringify(Object.entries(year.last.cases.byChannel).sort()) ===
      JSON.stringify(Object.entries(scan.last).sort()),
  },
  yearReport: { ...year.last, days: `${year.last.days.length} days` },
};
console.log(JSON.stringify(result, null, 2));
const out =
  args.out ??
  join(
    dirname(fileURLToPath(import.meta.url)),
    'results',
    `${result.date.slice(0, 10)}-reports.json`,
  );
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(result, null, 2) + '\n');
await connection.dropDatabase().catch(() => undefined);
await connection.close();
await server?.stop();
if (dataDir) await rm(dataDir, { recursive: true, force: true });
if (opened !== CASES || scanned !== CASES || !result.check.byChannelEqual || catchUp.last !== 0) {
  console.error('the report does not match the cases');
  process.exit(1);
}
