// One benchmark run: N concurrent simulated customers run the whole technical conversation
// through the engine on the real database, against the ceiling of the same inserts by the bare
// driver. `npm run bench` (bench/record.ts) runs it twice: closed loop and paced.
//
//   npx tsx bench/run.ts                      500 concurrent conversations, closed loop
//   npx tsx bench/run.ts --think 2000 --ramp 20   paced: customers answer 1–3 s after a reply
//   npx tsx bench/run.ts --quick              50 conversations, smoke check
//   npx tsx bench/run.ts --conversations 200 --rounds 3 --warmup 20 --pool 20 --trace
//   MONGODB_URI=mongodb://host/db npx tsx bench/run.ts   on another server (fresh database, dropped)
//
// It is a measurement: missed targets exit 0. It exits 1 when a conversation did not reach its
// folio, a turn failed, or the database does not hold one case and one folio per conversation.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mongoose, { type Connection } from 'mongoose';
import type { Collection, Document } from 'mongodb';
import { assembleAtiende } from '../src/app/assemble.ts';
import {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from '../src/bot/database/embedded-ferretdb.ts';
import { conversationIdOf } from '../src/bot/engine/messages.ts';
import type { ConversationState } from '../src/bot/engine/state.ts';
import type { Runtime } from '../src/bot/runtime.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { DEFAULT_POLICY } from '../src/domain/policy/index.ts';
import { seedDemoData } from '../src/domain/seed/seed.ts';
import {
  BenchChannel,
  benchCustomer,
  technicalScript,
  TURNS_PER_CONVERSATION,
} from './conversation.ts';
import {
  CommandCounter,
  findProcess,
  garbageCollector,
  mb,
  MemorySampler,
  percentile,
  pool,
  procCpuSeconds,
  round,
  selfCpuSeconds,
} from './measure.ts';

/** When the measured phase must stop sending (a collapsed run still ends and reports). */
let deadlineAt = Number.POSITIVE_INFINITY;
const pastDeadline = () => performance.now() > deadlineAt;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** Tuesday 10:00 in Mexico City: office hours, so the flow takes the daytime path. */
const BUSINESS_TIME = '2026-03-10T16:00:00Z';
const MEASURED_PREFIX = 'BN';
const WARMUP_PREFIX = 'BW';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    pool: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-ceiling': { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    ramp: { type: 'string' },
    think: { type: 'string' },
    deadline: { type: 'string' },
    attempts: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  process.stdout.write(
    [
      'usage: tsx bench/run.ts [--quick] [--conversations N] [--rounds R] [--warmup W]',
      '                        [--pool P] [--ramp S] [--attempts A] [--no-ceiling] [--trace]',
      '                        [--out FILE]',
      '  --conversations N  concurrent simulated customers (default 500, --quick 50)',
      '  --rounds R         conversations each customer slot runs one after another (default 1)',
      '  --warmup W         conversations run before measuring, for the JIT (default 20, quick 5)',
      '  --pool P           driver connection pool size (default 20, as the server uses)',
      "  --ramp S           spread the conversations' first messages over S seconds (default 0)",
      "  --think MS         a customer's think time before each message, random 0.5–1.5 × MS (default 0: closed loop, for the highest throughput)",
      '  --attempts A       sends of a message whose handle call threw, as a network redelivers',
      '                     it (default 3; 1 = a failed call fails the conversation)',
      '  --deadline S       stop sending after S seconds of measured phase (default 120):',
      '                     a run that collapses still ends, reports and exits 1',
      '  --no-ceiling       skip the bare-driver ceiling run',
      '  --trace            print the reply keys of the first warm-up conversation',
      '  --out FILE         results file (default bench/results/<date>[-quick].json)',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

const positive = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
};
const quick = args.quick;
const conversations = positive(args.conversations, quick ? 50 : 500, 'conversations');
const rounds = Math.max(1, positive(args.rounds, 1, 'rounds'));
const warmup = Math.max(1, positive(args.warmup, quick ? 5 : 20, 'warmup'));
const poolSize = Math.max(1, positive(args.pool, 20, 'pool'));
const rampMs = Number(args.ramp ?? 0) * 1000;
const thinkMs = Number(args.think ?? 0);
if (!Number.isFinite(thinkMs) || thinkMs < 0) throw new Error('--think must be milliseconds >= 0');
if (!Number.isFinite(rampMs) || rampMs < 0) throw new Error('--ramp must be seconds >= 0');
const attempts = Math.max(1, positive(args.attempts, 3, 'attempts'));
const deadlineSeconds = positive(args.deadline, 120, 'deadline');
if (conversations < 1) throw new Error('--conversations must be at least 1');

const log = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A document of the ceiling run: a conversation state's shape under a fresh key. */
type CeilingDocument = Document & { _id: string };

interface ConversationResult {
  ok: boolean;
  turns: number;
  caseNumber: string | null;
  folioNumber: string | null;
  /** Handle calls that threw (each resent, up to --attempts). */
  failedCalls: string[];
  failure?: string;
}

/** Latencies of the measured phase by step of the script (the turns that open a case are heavier). */
const stepLatencies: number[][] = [];

/** Runs one scripted conversation; `latencies` gets one entry per handle call. */
async function converse(
  runtime: Runtime,
  channel: BenchChannel,
  prefix: string,
  index: number,
  latencies: number[] | null,
  onTurn: (() => void) | null,
  onFailedCall?: () => void,
  observe?: (step: number, keys: string[], state: ConversationState | null) => void,
): Promise<ConversationResult> {
  const customer = benchCustomer(prefix, index);
  const user = `bench-${prefix}-${index}`;
  const script = technicalScript(customer.accountNumber, customer.equipment[0]!.serial);
  const result: ConversationResult = {
    ok: false,
    turns: 0,
    caseNumber: null,
    folioNumber: null,
    failedCalls: [],
  };
  for (const [i, step] of script.entries()) {
    // A person reads the reply and types: the think time is not part of the turn's latency.
    if (i > 0 && thinkMs > 0) await sleep(thinkMs * (0.5 + Math.random()));
    const text = typeof step.message === 'string' ? step.message : '';
    const choice = typeof step.message === 'string' ? undefined : step.message.choice;
    let outcome: string | null = null;
    for (let attempt = 1; outcome === null; attempt++) {
      if (pastDeadline()) {
        result.failure = `step ${i + 1}: not sent, the measured phase passed --deadline`;
        return result;
      }
      const started = performance.now();
      try {
        // A resend carries the same message id, as a network's redelivery does.
        outcome = await runtime.engine.handle({
          channel: channel.kind,
          channelUserId: user,
          messageId: `${user}:${i}`,
          text,
          choice,
          receivedAt: new Date(),
        });
        latencies?.push(performance.now() - started);
        if (latencies) (stepLatencies[i] ??= []).push(performance.now() - started);
      } catch (error) {
        latencies?.push(performance.now() - started);
        if (latencies) (stepLatencies[i] ??= []).push(performance.now() - started);
        const message = (error as Error).message ?? String(error);
        result.failedCalls.push(`step ${i + 1}: ${message}`);
        onFailedCall?.();
        if (attempt >= attempts) {
          result.failure = `step ${i + 1}, attempt ${attempt}: ${(error as Error).stack ?? message}`;
          return result;
        }
      }
    }
    onTurn?.();
    const replies = channel.take(user);
    const keys = replies.map((m) => m.reply.key);
    if (observe) {
      observe(i, keys, await runtime.engine.state(conversationIdOf(channel.kind, user)));
    }
    if (outcome !== 'answered') {
      result.failure = `step ${i + 1}: ${outcome}`;
      return result;
    }
    result.turns++;
    if (replies.length === 0) {
      result.failure = `step ${i + 1}: no reply to ${JSON.stringify(step.message)}`;
      return result;
    }
    if (step.expect && !keys.includes(step.expect)) {
      result.failure = `step ${i + 1}: expected ${step.expect}, got ${keys.join(', ')}`;
      return result;
    }
    const opened = replies.find((m) => m.reply.key === 'case.opened');
    if (opened) result.caseNumber = String(opened.reply.params?.caseNumber ?? '');
    const folio = replies.find((m) => m.reply.key === 'visit.folioConfirmed');
    if (folio) result.folioNumber = String(folio.reply.params?.folioNumber ?? folio.text);
  }
  result.ok = result.folioNumber !== null && result.caseNumber !== null;
  if (!result.ok) result.failure = 'the conversation ended without a case and a folio';
  return result;
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const gc = garbageCollector();
  const externalUri = process.env.MONGODB_URI;
  let embedded: EmbeddedDatabase | null = null;
  let dataDir: string | null = null;
  let uri: string;
  let databaseLabel: string;
  let databasePid: number | null = null;

  if (externalUri) {
    const url = new URL(externalUri);
    url.pathname = `/atiende_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    uri = url.toString();
    databaseLabel = `MongoDB-compatible server at ${url.host}`;
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'atiende-bench-'));
    embedded = await startEmbeddedDatabase(dataDir, (line) => log(line));
    uri = embedded.uri;
    databaseLabel = 'embedded FerretDB v1.24 (SQLite backend)';
    databasePid = findProcess('ferretdb-embedded', resolve(dataDir));
  }

  const connection: Connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: poolSize,
    autoIndex: false,
    monitorCommands: true,
  });
  const errors: unknown[] = [];
  let runtime: Runtime | null = null;
  const interrupted = (signal: NodeJS.Signals) => {
    process.stderr.write(`bench: ${signal}, stopping the database\n`);
    void (async () => {
      await embedded?.stop().catch(() => undefined);
      if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
      process.exit(130);
    })();
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await connection.asPromise();
    const commands = new CommandCounter(connection.getClient());
    const db = connection.db!;

    const clock = new ManualClock(BUSINESS_TIME);
    const channel = new BenchChannel('terminal');
    // Assembled, started after seeding; the bench calls the engine directly (no HTTP).
    const atiende = await assembleAtiende({
      database: { connection },
      policy: DEFAULT_POLICY,
      clock,
      channels: [channel],
      onError: (error) => errors.push(error),
    });
    runtime = atiende.runtime;

    log(`atiende bench: ${databaseLabel}, node ${process.version}`);
    log(
      `  ${fmt(conversations)} concurrent conversations × ${rounds} round(s) × ` +
        `${TURNS_PER_CONVERSATION} turns, ${warmup} warm-up conversation(s), pool ${poolSize}`,
    );
    let seedStarted = performance.now();
    await seedDemoData(runtime.domain);
    const measuredCount = conversations * rounds;
    await pool(warmup, 16, (i) => runtime!.domain.customers.save(benchCustomer(WARMUP_PREFIX, i)));
    await pool(measuredCount, 16, (i) =>
      runtime!.domain.customers.save(benchCustomer(MEASURED_PREFIX, i)),
    );
    log(
      `  seeded demo data and ${fmt(warmup + measuredCount)} bench customers in ` +
        `${fmt((performance.now() - seedStarted) / 1000, 1)} s`,
    );
    await atiende.start();

    // Warm-up: the JIT, the case-number counter, the connection pool. It also records the state
    // documents of one conversation, turn by turn: the ceiling inserts documents of their size.
    seedStarted = performance.now();
    const templates: Document[] = [];
    const warm = await Promise.all(
      Array.from({ length: warmup }, (_, i) =>
        converse(
          runtime!,
          channel,
          WARMUP_PREFIX,
          i,
          null,
          null,
          undefined,
          i === 0
            ? (step, keys, state) => {
                if (state) templates.push(structuredClone(state) as unknown as Document);
                if (args.trace) log(`    ${String(step + 1).padStart(2)} → ${keys.join(', ')}`);
              }
            : undefined,
        ),
      ),
    );
    const warmFailed = warm.filter((r) => !r.ok);
    if (warmFailed.length > 0) {
      throw new Error(`warm-up conversation failed: ${warmFailed[0]!.failure}`);
    }
    log(
      `  warm-up: ${warmup} conversations in ${fmt((performance.now() - seedStarted) / 1000, 1)} s`,
    );

    // The measured phase.
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const cachedAtStart = runtime.engine.cachedConversations;
    const latencies: number[] = [];
    const results: ConversationResult[] = [];
    const storeRoundTrips0 = runtime.stores.roundTrips;
    const stats0 = { ...runtime.engine.stats };
    const sampler = new MemorySampler(50, databasePid);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const dbCpu0 = databasePid !== null ? procCpuSeconds(databasePid) : null;
    const cpu0 = selfCpuSeconds();
    let turnsDone = 0;
    let failures = 0;
    /** Conversations in progress: started (after the ramp) and not finished. */
    let active = 0;
    let peakActive = 0;
    let activeSamples = 0;
    let activeSum = 0;
    let ongoingFailedCalls = 0;
    const failedCalls = () =>
      ongoingFailedCalls + results.reduce((sum, r) => sum + r.failedCalls.length, 0);
    let lastTurns = 0;
    let lastAt = performance.now();
    commands.reset();
    commands.counting = true;
    sampler.start();
    loopDelay.enable();
    const t0 = performance.now();
    deadlineAt = t0 + deadlineSeconds * 1000;
    const progress = setInterval(() => {
      const now = performance.now();
      const rate = ((turnsDone - lastTurns) * 1000) / (now - lastAt);
      activeSamples++;
      activeSum += active;
      lastTurns = turnsDone;
      lastAt = now;
      log(
        `  [${fmt((now - t0) / 1000, 1).padStart(5)} s] turns ${fmt(turnsDone).padStart(7)} ` +
          `(${fmt(rate).padStart(6)}/s)  active ${fmt(active).padStart(3)}  done ${fmt(results.length)}/${fmt(measuredCount)}` +
          `  failed calls ${fmt(failedCalls())}  rss ${fmt(mb(process.memoryUsage.rss()))} MB`,
      );
    }, 1_000);
    await Promise.all(
      Array.from({ length: conversations }, async (_, slot) => {
        if (rampMs > 0) await sleep((rampMs * slot) / conversations);
        active++;
        peakActive = Math.max(peakActive, active);
        for (let r = 0; r < rounds; r++) {
          const result = await converse(
            runtime!,
            channel,
            MEASURED_PREFIX,
            r * conversations + slot,
            latencies,
            () => turnsDone++,
            () => ongoingFailedCalls++,
          );
          ongoingFailedCalls -= result.failedCalls.length;
          results.push(result);
          if (!result.ok && failures++ < 3) {
            log(`  ! conversation ${r * conversations + slot} failed: ${result.failure}`);
          }
        }
        active--;
      }),
    );
    const elapsedMs = performance.now() - t0;
    clearInterval(progress);
    commands.counting = false;
    sampler.stop();
    loopDelay.disable();
    const cpuSeconds = selfCpuSeconds() - cpu0;
    const dbCpuSeconds =
      databasePid !== null && dbCpu0 !== null ? procCpuSeconds(databasePid)! - dbCpu0 : null;
    const engineCommands = commands.total;
    const engineBreakdown = commands.breakdown();
    const storeRoundTrips = runtime.stores.roundTrips - storeRoundTrips0;
    const stats = Object.fromEntries(
      Object.entries(runtime.engine.stats).map(([k, v]) => [
        k,
        v - stats0[k as keyof typeof stats0],
      ]),
    );
    const turns = results.reduce((sum, r) => sum + r.turns, 0);
    latencies.sort((a, b) => a - b);
    log(`  measured: ${fmt(turns)} turns in ${fmt(elapsedMs / 1000, 2)} s`);

    // Memory held by conversations that went idle: all of them are still cached (idle eviction
    // happens after 5 minutes); force the eviction and see what it gives back.
    const cachedBefore = runtime.engine.cachedConversations;
    gc?.();
    const heldMemory = process.memoryUsage();
    const evicted = runtime.engine.evictIdle(Number.MAX_SAFE_INTEGER);
    gc?.();
    const afterEviction = process.memoryUsage();
    const cachedAfter = runtime.engine.cachedConversations;

    await runtime.stop(); // scheduler and housekeeping off: the ceiling runs alone
    const stoppedRuntime = runtime;
    runtime = null;

    // What the database holds: one case and one folio per measured conversation.
    const accounts = { $regex: `^${MEASURED_PREFIX}-` };
    const casesOpened = await db.collection('cases').countDocuments({ accountNumber: accounts });
    const caseNumbers = results.map((r) => r.caseNumber).filter((n): n is string => n !== null);
    const distinctCases = new Set(caseNumbers).size;
    const foliosOpened =
      caseNumbers.length > 0
        ? await db.collection('folios').countDocuments({ caseNumber: { $in: caseNumbers } })
        : 0;

    // The ceiling: per simulated turn, the bare driver inserts a document of the size of that
    // turn's conversation state into a collection indexed like conversation_states; the "read" is
    // a Map lookup, as the engine's cache hit. Same number of workers, same number of turns.
    let ceiling: {
      turnsPerSecond: number;
      elapsedMs: number;
      turns: number;
      p50Ms: number;
      p99Ms: number;
      commands: number;
      avgDocumentBytes: number;
    } | null = null;
    if (!args['no-ceiling']) {
      const scratch: Collection<CeilingDocument> = db.collection<CeilingDocument>(
        `bench_ceiling_${Date.now()}`,
      );
      await scratch.createIndex(
        { conversationId: 1, answers: 1 },
        { unique: true, name: 'conversation_answers_unique' },
      );
      await scratch.createIndex(
        { conversationId: 1, version: -1 },
        { name: 'conversation_version' },
      );
      const docs = templates.slice(0, TURNS_PER_CONVERSATION);
      const avgDocumentBytes =
        docs.reduce((sum, d) => sum + Buffer.byteLength(JSON.stringify(d)), 0) / docs.length;
      const memory = new Map<string, Document>();
      const ceilingLatencies: number[] = [];
      log(
        `  ceiling: bare driver insertOne × ${fmt(conversations * rounds * docs.length)} ` +
          `with ${fmt(conversations)} workers…`,
      );
      commands.reset();
      commands.counting = true;
      const c0 = performance.now();
      await Promise.all(
        Array.from({ length: conversations }, async (_, worker) => {
          for (let r = 0; r < rounds; r++) {
            const conversationId = `ceiling:${worker}:${r}`;
            for (let step = 0; step < docs.length; step++) {
              const started = performance.now();
              memory.get(conversationId); // the engine's read: a cache hit
              const doc = {
                ...docs[step]!,
                _id: `${conversationId}:${step + 1}`,
                conversationId,
                version: step + 1,
                answers: `in:ceiling:${worker}:${r}:${step}`,
              };
              await scratch.insertOne(doc);
              memory.set(conversationId, doc);
              ceilingLatencies.push(performance.now() - started);
            }
          }
        }),
      );
      const ceilingMs = performance.now() - c0;
      commands.counting = false;
      ceilingLatencies.sort((a, b) => a - b);
      ceiling = {
        turnsPerSecond: round((ceilingLatencies.length * 1000) / ceilingMs, 1),
        elapsedMs: round(ceilingMs, 0),
        turns: ceilingLatencies.length,
        p50Ms: round(percentile(ceilingLatencies, 50)),
        p99Ms: round(percentile(ceilingLatencies, 99)),
        commands: commands.total,
        avgDocumentBytes: round(avgDocumentBytes, 0),
      };
      await scratch.drop().catch(() => undefined);
    }

    // Results.
    const turnsPerSecond = round((turns * 1000) / elapsedMs, 1);
    const p50Ms = round(percentile(latencies, 50));
    const p95Ms = round(percentile(latencies, 95));
    const p99Ms = round(percentile(latencies, 99));
    const dbRoundTripsPerTurn = turns > 0 ? round(engineCommands / turns, 3) : 0;
    const ratioToCeiling = ceiling ? round(turnsPerSecond / ceiling.turnsPerSecond, 3) : null;
    const failed = results.filter((r) => !r.ok);
    const allFailedCalls = results.flatMap((r) => r.failedCalls);
    const peakRssMb = mb(sampler.peakRss);
    const at500 = conversations === 500;
    const targets = {
      turnsPerSecond: { target: '>= 1000', value: turnsPerSecond, pass: turnsPerSecond >= 1000 },
      p99Ms: {
        target: '<= 50 at 500 concurrent conversations',
        value: p99Ms,
        pass: at500 ? p99Ms <= 50 : null,
        ...(at500 ? {} : { note: `measured at ${conversations}, not 500: not judged` }),
      },
      dbRoundTripsPerTurn: {
        target: '<= 2',
        value: dbRoundTripsPerTurn,
        pass: dbRoundTripsPerTurn <= 2,
      },
      ratioToCeiling: {
        target: '>= 0.70',
        value: ratioToCeiling,
        pass: ratioToCeiling === null ? null : ratioToCeiling >= 0.7,
      },
    };
    const heapPerConversationKb =
      evicted > 0
        ? round((heldMemory.heapUsed - afterEviction.heapUsed) / 1024 / evicted, 1)
        : null;

    const report = {
      date: startedAt.toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      database: databaseLabel,
      quick,
      concurrentConversations: conversations,
      activeConversations: {
        peak: peakActive,
        mean: activeSamples > 0 ? round(activeSum / activeSamples, 1) : peakActive,
      },
      rounds,
      rampSeconds: rampMs / 1000,
      thinkMs,
      attemptsPerMessage: attempts,
      deadlineSeconds,
      hitDeadline: results.some((r) => r.failure?.includes('--deadline') ?? false),
      warmupConversations: warmup,
      poolSize,
      turnsPerConversation: TURNS_PER_CONVERSATION,
      turns,
      elapsedMs: round(elapsedMs, 0),
      turnsPerSecond,
      p50Ms,
      p95Ms,
      p99Ms,
      maxMs: round(latencies.at(-1) ?? 0),
      latencyByStep: stepLatencies.map((values, i) => {
        const sorted = [...values].sort((a, b) => a - b);
        const expect = technicalScript('X', 'X')[i]?.expect ?? null;
        return {
          step: i + 1,
          expect,
          p50Ms: round(percentile(sorted, 50)),
          p99Ms: round(percentile(sorted, 99)),
        };
      }),
      dbRoundTripsPerTurn,
      dbCommands: engineCommands,
      dbCommandsByKind: engineBreakdown,
      storeRoundTrips,
      storeRoundTripsPerTurn: turns > 0 ? round(storeRoundTrips / turns, 3) : 0,
      engineStats: stats,
      peakRssMb,
      databasePeakRssMb: databasePid !== null ? mb(sampler.peakOtherRss) : null,
      cpu: {
        benchProcessSeconds: round(cpuSeconds, 2),
        benchProcessUtilisation: round(cpuSeconds / (elapsedMs / 1000), 2),
        databaseSeconds: dbCpuSeconds === null ? null : round(dbCpuSeconds, 2),
        databaseUtilisation:
          dbCpuSeconds === null ? null : round(dbCpuSeconds / (elapsedMs / 1000), 2),
      },
      eventLoopDelayMs: {
        p50: round(loopDelay.percentile(50) / 1e6),
        p99: round(loopDelay.percentile(99) / 1e6),
        max: round(loopDelay.max / 1e6),
      },
      ceilingTurnsPerSecond: ceiling?.turnsPerSecond ?? null,
      ceiling,
      ratioToCeiling,
      casesOpened,
      distinctCaseNumbers: distinctCases,
      foliosOpened,
      failedHandleCalls: allFailedCalls.length,
      failedHandleCallsByError: Object.fromEntries(
        [
          ...allFailedCalls.reduce((m, f) => {
            const key = f.replace(/^step \d+: /, '');
            return m.set(key, (m.get(key) ?? 0) + 1);
          }, new Map<string, number>()),
        ].sort((a, b) => b[1] - a[1]),
      ),
      failedHandleCallsByStep: Object.fromEntries(
        [
          ...allFailedCalls.reduce((m, f) => {
            const key = /^step (\d+)/.exec(f)?.[1] ?? '?';
            return m.set(key, (m.get(key) ?? 0) + 1);
          }, new Map<string, number>()),
        ].sort((a, b) => Number(a[0]) - Number(b[0])),
      ),
      conversationsCompleted: results.length - failed.length,
      conversationsFailed: failed.length,
      idleCachedConversations: cachedBefore,
      idleMemory: {
        gcAvailable: gc !== null,
        note:
          evicted === 0 && cachedAfter > 0
            ? 'evictIdle(MAX_SAFE_INTEGER) evicted nothing: the conversations stay cached'
            : undefined,
        heapUsedMbBeforeMeasuredPhase: mb(heapBefore),
        heapGrowthPerMeasuredConversationKb: round(
          (heldMemory.heapUsed - heapBefore) / 1024 / Math.max(1, cachedBefore - cachedAtStart),
          1,
        ),
        heapUsedMbWithCache: mb(heldMemory.heapUsed),
        rssMbWithCache: mb(heldMemory.rss),
        evicted,
        cachedAfterEviction: cachedAfter,
        heapUsedMbAfterEviction: mb(afterEviction.heapUsed),
        rssMbAfterEviction: mb(afterEviction.rss),
        heapPerCachedConversationKb: heapPerConversationKb,
      },
      targets,
      backgroundErrors: errors.length,
    };

    // The table.
    const mark = (pass: boolean | null) => (pass === null ? 'n/a ' : pass ? 'PASS' : 'MISS');
    const row = (name: string, value: string, target = '', pass: boolean | null | '' = '') =>
      log(
        `  ${name.padEnd(34)} ${value.padStart(16)}   ${target.padEnd(12)} ${
          pass === '' ? '' : mark(pass)
        }`,
      );
    log('');
    log(`  ${'metric'.padEnd(34)} ${'value'.padStart(16)}   target`);
    log(`  ${'-'.repeat(74)}`);
    row('concurrent conversations', fmt(conversations));
    row(
      'in progress: peak / mean',
      `${fmt(peakActive)} / ${fmt(report.activeConversations.mean, 1)}`,
    );
    row('turns (answered handle calls)', fmt(turns));
    row('turns/s', fmt(turnsPerSecond, 1), '≥ 1,000', targets.turnsPerSecond.pass);
    row(
      'handle calls that threw (resent)',
      fmt(allFailedCalls.length),
      '0',
      allFailedCalls.length === 0,
    );
    row('turn latency p50 (ms)', fmt(p50Ms, 2));
    row('turn latency p95 (ms)', fmt(p95Ms, 2));
    row('turn latency p99 (ms)', fmt(p99Ms, 2), '≤ 50', targets.p99Ms.pass);
    row('turn latency max (ms)', fmt(report.maxMs, 2));
    row(
      'db round trips / turn (monitored)',
      fmt(dbRoundTripsPerTurn, 3),
      '≤ 2',
      targets.dbRoundTripsPerTurn.pass,
    );
    row('engine store round trips / turn', fmt(report.storeRoundTripsPerTurn, 3));
    row('peak RSS, bench process (MB)', fmt(peakRssMb, 1));
    if (report.databasePeakRssMb !== null) {
      row('peak RSS, FerretDB process (MB)', fmt(report.databasePeakRssMb, 1));
    }
    row(
      'CPU: node / database (cores)',
      `${report.cpu.benchProcessUtilisation} / ${report.cpu.databaseUtilisation ?? '?'}`,
    );
    row('event loop delay p99 (ms)', fmt(report.eventLoopDelayMs.p99, 1));
    row('ceiling turns/s (bare insertOne)', ceiling ? fmt(ceiling.turnsPerSecond, 1) : 'skipped');
    row(
      'ratio to ceiling',
      ratioToCeiling === null ? 'n/a' : `${fmt(ratioToCeiling * 100, 1)} %`,
      '≥ 70 %',
      targets.ratioToCeiling.pass,
    );
    row('cases opened / folios opened', `${fmt(casesOpened)} / ${fmt(foliosOpened)}`);
    row('idle cached conversations', `${fmt(cachedBefore)} → ${fmt(cachedAfter)} evicted`);
    row(
      'heap growth per conversation (KB)',
      fmt(report.idleMemory.heapGrowthPerMeasuredConversationKb, 1),
    );
    row(
      'heap held by them (MB, after GC)',
      `${fmt(mb(heldMemory.heapUsed - afterEviction.heapUsed), 1)}${gc ? '' : ' (no GC)'}`,
    );
    log('');
    log('  turn latency by step of the script (p50 / p99 ms; the heaviest five):');
    for (const step of [...report.latencyByStep].sort((a, b) => b.p99Ms - a.p99Ms).slice(0, 5)) {
      log(
        `    step ${String(step.step).padStart(2)}${step.expect ? ` (${step.expect})` : ''}`.padEnd(
          40,
        ) + `${fmt(step.p50Ms, 1).padStart(9)} / ${fmt(step.p99Ms, 1)}`,
      );
    }
    log('');
    log(`  database commands of the measured phase (driver command monitoring):`);
    log(
      `    ${'command collection'.padEnd(34)} ${'count'.padStart(7)} ${'/turn'.padStart(7)} ${'mean ms'.padStart(9)} ${'total s'.padStart(8)}`,
    );
    for (const [kind, k] of Object.entries(engineBreakdown)) {
      log(
        `    ${kind.padEnd(34)} ${fmt(k.count).padStart(7)} ${fmt(k.count / Math.max(1, turns), 3).padStart(7)} ` +
          `${fmt(k.meanMs, 1).padStart(9)} ${fmt(k.totalMs / 1000, 1).padStart(8)}`,
      );
    }

    const out = resolve(
      args.out ??
        join(
          BENCH_DIR,
          'results',
          `${startedAt.toISOString().slice(0, 10)}${quick ? '-quick' : ''}.json`,
        ),
    );
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    log(`  results: ${out}`);

    // Errors, not missed targets, fail the run.
    const problems: string[] = [];
    if (failed.length > 0) {
      problems.push(`${failed.length} conversation(s) failed; first: ${failed[0]!.failure}`);
    }
    if (results.length !== measuredCount) problems.push('not every conversation ran');
    if (casesOpened !== measuredCount) {
      problems.push(`expected ${measuredCount} cases in the database, found ${casesOpened}`);
    }
    if (distinctCases !== measuredCount) {
      problems.push(`expected ${measuredCount} distinct case numbers, got ${distinctCases}`);
    }
    if (foliosOpened !== measuredCount) {
      problems.push(`expected ${measuredCount} folios in the database, found ${foliosOpened}`);
    }
    if (errors.length > 0) problems.push(`background errors: ${String(errors[0])}`);
    if (allFailedCalls.length > 0) {
      process.stderr.write(
        `bench: warning: ${allFailedCalls.length} handle call(s) threw and were resent; ` +
          `first: ${allFailedCalls[0]}\n`,
      );
    }
    void stoppedRuntime;
    for (const p of problems) process.stderr.write(`bench: ${p}\n`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await runtime?.stop().catch(() => undefined);
    if (externalUri) await connection.dropDatabase().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
