// npm run bench — the benchmark's record: two runs of bench/run.ts on fresh databases, and one
// result file, bench/results/<date>.json.
//
//   1. Capacity (closed loop): 500 customers, each sending the next message the instant the
//      last one is answered. Gives turns/s, round trips, the ceiling ratio. Its latency is
//      queueing by construction (Little's law: 500 in flight ÷ turns/s).
//   2. Latency (paced): the same 500 concurrent conversations, customers answering 1–3 s after
//      the reply (--think 2000, a fast typist), starting over 20 s. Gives the p50/p95/p99 a
//      customer sees while 500 conversations are open at once.
//
//   npm run bench                  both, 500 conversations
//   npm run bench -- --quick       both, 50 conversations (smoke check)
//
// Exits 1 when either run fails (a conversation that did not reach its folio, lost or doubled
// cases); missed targets are reported, not failures.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const PACED = ['--think', '2000', '--ramp', '20', '--no-ceiling'];

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } },
});

interface RunReport {
  turnsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  concurrentConversations: number;
  dbRoundTripsPerTurn: number;
  ratioToCeiling: number | null;
  thinkMs: number;
  rampSeconds: number;
  latencyByStep: unknown;
  targets: Record<string, { target: string; value: number | null; pass: boolean | null }>;
  [key: string]: unknown;
}

async function run(label: string, extra: string[], dir: string): Promise<RunReport> {
  const out = join(dir, `${label}.json`);
  process.stdout.write(`\n=== ${label} ===\n`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(BENCH_DIR, 'run.ts'),
      ...(args.quick ? ['--quick'] : []),
      ...extra,
      '--out',
      out,
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) {
    throw new Error(`the ${label} run failed (exit ${result.status ?? result.signal})`);
  }
  return JSON.parse(await readFile(out, 'utf8')) as RunReport;
}

const dir = await mkdtemp(join(tmpdir(), 'atiende-bench-record-'));
try {
  const capacity = await run('capacity (closed loop)', [], dir);
  const paced = await run('latency (paced)', PACED, dir);
  const latencyPass = paced.p99Ms <= 50;
  const record = {
    ...capacity,
    closedLoopLatency: {
      p50Ms: capacity.p50Ms,
      p95Ms: capacity.p95Ms,
      p99Ms: capacity.p99Ms,
      note: 'queueing: every customer resends at once, so latency ≈ conversations ÷ turns/s',
    },
    // The latency a customer sees, at the same number of concurrent conversations.
    p50Ms: paced.p50Ms,
    p95Ms: paced.p95Ms,
    p99Ms: paced.p99Ms,
    maxMs: paced.maxMs,
    paced: {
      concurrentConversations: paced.concurrentConversations,
      thinkMs: paced.thinkMs,
      rampSeconds: paced.rampSeconds,
      turnsPerSecond: paced.turnsPerSecond,
      p50Ms: paced.p50Ms,
      p95Ms: paced.p95Ms,
      p99Ms: paced.p99Ms,
      maxMs: paced.maxMs,
      dbRoundTripsPerTurn: paced.dbRoundTripsPerTurn,
      latencyByStep: paced.latencyByStep,
    },
    targets: {
      ...capacity.targets,
      p99Ms: {
        target: `<= 50 at ${paced.concurrentConversations} concurrent conversations (paced)`,
        value: paced.p99Ms,
        pass: latencyPass,
      },
    },
  };
  const date = new Date().toISOString().slice(0, 10);
  const out =
    args.out ?? join(BENCH_DIR, 'results', `${date}${args.quick ? '-quick' : ''}-record.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(record, null, 2)}\n`);

  const line = (name: string, value: string, target = '', pass?: boolean | null) =>
    process.stdout.write(
      `  ${name.padEnd(44)}${value.padStart(12)}   ${target.padEnd(10)} ${
        pass === undefined || pass === null ? '' : pass ? 'PASS' : 'MISS'
      }\n`,
    );
  const n = (v: number, d = 1) =>
    v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  process.stdout.write(`\n=== record (${capacity.concurrentConversations} conversations) ===\n`);
  line(
    'turns/s (closed loop)',
    n(capacity.turnsPerSecond),
    '≥ 1,000',
    capacity.turnsPerSecond >= 1000,
  );
  line(
    'db round trips / turn (closed loop)',
    n(capacity.dbRoundTripsPerTurn, 3),
    '≤ 2',
    capacity.dbRoundTripsPerTurn <= 2,
  );
  const ratio = capacity.ratioToCeiling;
  line(
    'ratio to ceiling (closed loop, %)',
    ratio === null ? 'n/a' : n(ratio * 100),
    '≥ 70 %',
    ratio === null ? null : ratio >= 0.7,
  );
  line(`turn latency p50 / p95 (paced, ms)`, `${n(paced.p50Ms)} / ${n(paced.p95Ms)}`);
  line(
    `turn latency p99 (paced, ${n(paced.turnsPerSecond, 0)} turns/s, ms)`,
    n(paced.p99Ms),
    '≤ 50',
    latencyPass,
  );
  line('turn latency p99 (closed loop, queueing, ms)', n(capacity.p99Ms));
  process.stdout.write(`  results: ${out}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
