/**
 * Shared pieces of the reliability tests: customers of their own (one per simulated user, so
 * each user's request is a matter of its own and must become exactly one case), the short
 * script every user runs, and a parent-side handle on an engine worker process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Db } from 'mongodb';
import type { CaseNumber } from '../../../src/domain/cases/case.ts';
import type { Domain } from '../../../src/domain/domain.ts';
import { normaliseEmail, normalisePhone } from '../../../src/domain/customers/customer.ts';
import type { InboundMessage, OutboundMessage } from '../../../src/bot/engine/messages.ts';
import type { TurnOutcome } from '../../../src/bot/engine/engine.ts';
import type { WorkerReply, WorkerRequest } from '../../support/engine-worker.ts';

/** Tuesday 10 March 2026, 10:00 in Mexico City: office hours. */
export const START = '2026-03-10T16:00:00.000Z';

/** The e-mail of the primary contact of simulated customer `i`. */
export const emailOf = (i: number) => `cliente${i}@fiabilidad.example`;
export const accountOf = (i: number) => `RL-${String(i).padStart(5, '0')}`;

/**
 * Inserts `count` customers numbered from `from` (one insertMany: the demo seed's upserts are
 * slow on FerretDB). Each has its own account, so each user's doubt is a matter of its own.
 */
export async function seedCustomers(
  domain: Domain,
  from: number,
  count: number,
  options: { equipment?: boolean } = {},
): Promise<void> {
  const docs = Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const contact = {
      name: `Cliente ${i}`,
      phone: `+52 55 7${String(i).padStart(7, '0')}`,
      email: emailOf(i),
    };
    return {
      _id: accountOf(i),
      contractNumbers: [`CT-${accountOf(i)}`],
      name: `Empresa de prueba ${i}`,
      country: 'MX',
      timeZone: 'America/Mexico_City',
      language: 'es',
      primaryContact: contact,
      authorisedPersons: [],
      distributor: null,
      paymentsUpToDate: true,
      equipment: options.equipment
        ? [
            {
              serial: serialOf(i),
              description: 'Servidor de archivos',
              location: 'Sala de cómputo',
            },
          ]
        : [],
      abuseWarnings: 0,
      suspendedUntil: null,
      suspendedPermanently: false,
      emails: [normaliseEmail(contact.email)],
      phones: [normalisePhone(contact.phone)],
    };
  });
  await domain.customers.model.insertMany(docs, { ordered: false });
}

/** One step of a script: a text or a pressed button. */
export type Step = string | { choice: string };

/**
 * The shortest script that ends in a case (R004-4, a doubt for customer service): identify by
 * account number as the primary contact, choose "doubt", describe it: the case is opened and its
 * number told. By account, not by e-mail: on FerretDB v1 a lookup by e-mail scans the `emails`
 * arrays and 500 of them at once take ~45 s (a turn times out after 10 s); 500 lookups by
 * account take ~4 s. `withGoodbye` adds "nothing else", which closes the session.
 */
export const doubtScript = (i: number, withGoodbye = false): Step[] => [
  `Hola, mi cuenta es ${accountOf(i)}`,
  { choice: 'yes' },
  { choice: 'doubt' },
  `¿Mi plan ${i} incluye soporte en sábado?`,
  ...(withGoodbye ? ['no'] : []),
];

/** The serial of the one piece of equipment of simulated customer `i` (when seeded with it). */
export const serialOf = (i: number) => `SRV-${String(i).padStart(5, '0')}`;

/**
 * The whole technical flow, with every side effect a turn can have on the way: identification,
 * troubleshooting (power, on, restart, verify), intake, the case opened (with its SLA timers),
 * a visit slot and its folio (R004-3). Customer `i` must be seeded with equipment.
 */
export const technicalScript = (i: number): Step[] => [
  `Hola, mi cuenta es ${accountOf(i)}`,
  { choice: 'yes' },
  { choice: 'technical' },
  { choice: 'servers' },
  { choice: serialOf(i) },
  { choice: 'yes' }, // the location on record
  { choice: 'yes' }, // outside causes ruled out (R001-0)
  { choice: 'yes' }, // power
  { choice: 'yes' }, // on
  { choice: 'done' }, // restarted
  { choice: 'no' }, // still failing
  { choice: 'high' },
  { choice: 'critical' },
  `El servidor ${i} no arranca y muestra error de disco`,
  `Desde el lunes el servidor ${i} se reinicia solo y muestra disk failure en la consola`,
  'Encenderlo y esperar dos minutos',
  { choice: 'done' },
  { choice: 'slot-1' },
  { choice: 'me' },
];

/** The inbound message of step `n` of user `user` on the terminal channel. */
export function inboundOf(user: string, n: number, step: Step): InboundMessage {
  return {
    channel: 'terminal',
    channelUserId: user,
    messageId: `${user}-m${n}`,
    text: typeof step === 'string' ? step : '',
    choice: typeof step === 'string' ? undefined : step.choice,
    receivedAt: new Date(START),
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** A small seeded PRNG (mulberry32): a failing interleaving can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Waits 0..maxMs (random), so concurrent users interleave differently at every step. */
export async function jitter(random: () => number, maxMs = 5): Promise<void> {
  const ms = Math.floor(random() * (maxMs + 1));
  if (ms === 0) await new Promise((r) => setImmediate(r));
  else await new Promise((r) => setTimeout(r, ms));
}

/**
 * The network redelivers a message whose handling failed. Only a turn that timed out is
 * redelivered (FlowTurnTimeout: on this 2-core machine, bursts of case openings or of cold
 * reads after a restart can queue on FerretDB past the flow's 10 s limit); any other error
 * fails the test. Each redelivery is noted in `log`.
 */
export async function redeliverOnTimeout<T>(
  what: string,
  log: string[],
  attempt: () => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= 4 || (error as { code?: string }).code !== 'FLOW_TURN_TIMEOUT') throw error;
      log.push(what);
    }
  }
}

/** The request to a worker died with it: the network never got an answer. */
export class WorkerDied extends Error {
  constructor(name: string) {
    super(`worker ${name} died before answering`);
  }
}

/** A delivery seen by the parent ("the network"), with the worker that sent it. */
export interface Seen {
  message: OutboundMessage;
  worker: string;
  /** Whether the worker was still starting (delivery recovery) when it sent this. */
  duringStart: boolean;
}

/** A request without its id (distributes over the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The parent's side of `test/support/engine-worker.ts`: a real engine process. */
export class EngineWorker {
  readonly child: ChildProcess;
  readonly ready: Promise<{ recovered: number; processId: string }>;
  readonly exited: Promise<number | null>;
  #started = false;
  #dead = false;
  #next = 0;
  readonly #pending = new Map<
    number,
    { resolve: (reply: WorkerReply) => void; reject: (error: unknown) => void }
  >();
  readonly stderr: string[] = [];

  constructor(
    readonly name: string,
    uri: string,
    clockAt: string,
    onDelivered: (seen: Seen) => void,
  ) {
    const script = fileURLToPath(new URL('../../support/engine-worker.ts', import.meta.url));
    this.child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, WORKER_URI: uri, WORKER_CLOCK: clockAt, WORKER_NAME: name },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      this.#dead = true;
      for (const p of this.#pending.values()) p.reject(new WorkerDied(name));
      this.#pending.clear();
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (raw: WorkerReply) => {
        if (raw.type === 'delivered') {
          onDelivered({ message: raw.message, worker: name, duringStart: !this.#started });
        } else if (raw.type === 'ready') {
          this.#started = true;
          resolve({ recovered: raw.recovered, processId: raw.processId });
        } else if (raw.type === 'fatal') {
          reject(new Error(`worker ${name}: ${raw.error}`));
        } else {
          const p = this.#pending.get(raw.id);
          this.#pending.delete(raw.id);
          p?.resolve(raw);
        }
      });
      void this.exited.then((code) =>
        reject(new Error(`worker ${name} exited (${code}) ${this.stderr.join('')}`)),
      );
    });
  }

  #request(request: WithoutId<WorkerRequest>): Promise<WorkerReply> {
    if (this.#dead) return Promise.reject(new WorkerDied(this.name));
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.child.send({ ...request, id } as WorkerRequest, (error) => {
        if (error) {
          this.#pending.delete(id);
          // A worker killed a moment ago may not have told its exit yet: its pipe is closed.
          const gone =
            this.#dead || this.child.killed || (error as { code?: string }).code === 'EPIPE';
          reject(gone ? new WorkerDied(this.name) : error);
        }
      });
    });
  }

  /** `engine.handle` in the worker: the outcome once the worker acknowledged the message. */
  async handle(message: InboundMessage): Promise<TurnOutcome> {
    const reply = await this.#request({ type: 'inbound', message });
    if (reply.type === 'handled') return reply.outcome;
    if (reply.type === 'failed') {
      throw Object.assign(new Error(`${this.name}, ${message.messageId}: ${reply.message}`), {
        name: reply.name,
        code: reply.code,
      });
    }
    throw new Error(`unexpected reply ${reply.type}`);
  }

  /** One scheduler tick in the worker: how many timers it fired. */
  async tick(): Promise<number> {
    const reply = await this.#request({ type: 'tick' });
    if (reply.type === 'failed') throw new Error(`${this.name}, tick: ${reply.message}`);
    if (reply.type !== 'ticked') throw new Error(`unexpected reply ${reply.type}`);
    return reply.fired;
  }

  async setClock(at: Date): Promise<void> {
    await this.#request({ type: 'clock', at: at.toISOString() });
  }

  async stats(): Promise<Record<string, number>> {
    const reply = await this.#request({ type: 'stats' });
    if (reply.type !== 'stats') throw new Error(`unexpected reply ${reply.type}`);
    return reply.stats;
  }

  /** SIGKILL: no clean-up, no flush, in-flight turns cut wherever they are. */
  async kill(): Promise<void> {
    if (!this.#dead) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop (runtime.stop, connection closed). */
  async stop(): Promise<void> {
    if (this.#dead) return;
    await this.#request({ type: 'stop' }).catch(() => undefined);
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5_000))]);
    await this.kill();
  }
}

/** The network: every delivery the workers made, first copies per user and resends apart. */
export class Network {
  readonly all: Seen[] = [];
  readonly first = new Map<string, Seen>();
  readonly resends: Seen[] = [];

  readonly onDelivered = (seen: Seen): void => {
    this.all.push(seen);
    if (this.first.has(seen.message.deliveryId)) this.resends.push(seen);
    else this.first.set(seen.message.deliveryId, seen);
  };

  /** The reply keys a user received, first copies only, in arrival order. */
  keysOf(user: string): string[] {
    return [...this.first.values()]
      .filter((s) => s.message.channelUserId === user)
      .map((s) => s.message.reply.key);
  }

  repliesOf(user: string): OutboundMessage[] {
    return [...this.first.values()]
      .filter((s) => s.message.channelUserId === user)
      .map((s) => s.message);
  }

  /** Delivery ids one worker delivered more than once (never allowed). */
  repeatedWithin(worker: string): string[] {
    const seen = new Set<string>();
    const repeated: string[] = [];
    for (const s of this.all) {
      if (s.worker !== worker) continue;
      if (seen.has(s.message.deliveryId)) repeated.push(s.message.deliveryId);
      seen.add(s.message.deliveryId);
    }
    return repeated;
  }
}

/** What the network knows of one user's run: acknowledged steps and the one in flight. */
export interface Run {
  user: string;
  script: Step[];
  acked: number;
  inFlight: number | null;
  outcomes: TurnOutcome[];
}

/** Sends step `n` of a run's script to a worker (with the test's redelivery policy). */
export type SendStep = (worker: EngineWorker, run: Run, n: number) => Promise<TurnOutcome>;

/**
 * Runs every user's script on `worker` (up to step `upTo`, by default to its end), one message
 * at a time per user and all users at once; SIGKILLs the worker as soon as `killAfter` messages
 * were acknowledged, so the other users' messages are in flight (sent, maybe stored, maybe
 * answered, never acknowledged). `killAfter` must be reached.
 */
export async function runUntilKilled(
  worker: EngineWorker,
  runs: Run[],
  send: SendStep,
  killAfter: number,
  upTo: (run: Run) => number = (run) => run.script.length,
  /** How long after that acknowledgement the kill lands (0: at once): mid-turn, not between. */
  killDelayMs = 0,
): Promise<void> {
  let acks = 0;
  await Promise.all(
    runs.map(async (run) => {
      for (let n = run.acked; n < upTo(run); n++) {
        run.inFlight = n;
        try {
          run.outcomes.push(await send(worker, run, n));
        } catch (error) {
          if (error instanceof WorkerDied) return;
          throw error;
        }
        run.inFlight = null;
        run.acked = n + 1;
        if (++acks === killAfter) {
          if (killDelayMs > 0) setTimeout(() => void worker.kill(), killDelayMs);
          else void worker.kill();
        }
      }
    }),
  );
  await worker.exited;
}

/**
 * The network after the restart: redelivers the last acknowledged message of every third user
 * (must be dropped), every unacknowledged one, then finishes the scripts up to `upTo`.
 */
export async function resume(
  worker: EngineWorker,
  runs: Run[],
  send: SendStep,
  upTo: (run: Run) => number,
): Promise<{ resentAcked: TurnOutcome[]; resentUnacked: TurnOutcome[] }> {
  const resentAcked: TurnOutcome[] = [];
  const resentUnacked: TurnOutcome[] = [];
  await Promise.all(
    runs.map(async (run, index) => {
      if (run.acked > 0 && index % 3 === 0) {
        const n = run.acked - 1;
        resentAcked.push(await send(worker, run, n));
      }
      if (run.inFlight !== null) {
        const n = run.inFlight;
        resentUnacked.push(await send(worker, run, n));
        run.inFlight = null;
        run.acked = n + 1;
      }
      for (let n = run.acked; n < upTo(run); n++) {
        run.outcomes.push(await send(worker, run, n));
        run.acked = n + 1;
      }
    }),
  );
  return { resentAcked, resentUnacked };
}

/**
 * The SLA watch's pending timers of a case (R002-5, R003-6, R003-8), in whatever hour they are
 * due: one, for its next instant, since issue 17 (each instant fired schedules the next).
 */
export async function slaTimersOf(db: Db, caseNumber: string): Promise<string[]> {
  const hours = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((name) => name.startsWith('timers_due_'));
  const found: string[] = [];
  for (const name of hours) {
    const docs = await db
      .collection<{ _id: string }>(name)
      .find({ caseNumber, kind: 'caseSla' })
      .toArray();
    found.push(...docs.map((d) => d._id));
  }
  return found.sort();
}

/**
 * Whether a case holds exactly one SLA timer, for one of its instants as it stands or the
 * opening's check (sla-watch.ts, `opened`).
 */
export async function holdsItsSlaChain(domain: Domain, db: Db, caseNumber: string) {
  const found = await domain.cases.find(caseNumber);
  if (!found) return false;
  const ids = new Set(
    domain.sla
      .instantsOf(found)
      .map((i) => `case:${caseNumber}:${i.goal}:${i.phase}:${i.at.getTime()}`),
  );
  // Until a minute after the opening, the opening's check stands for the first instant.
  ids.add(`case:${caseNumber}:opening`);
  const timers = await slaTimersOf(db, caseNumber);
  return timers.length === 1 && ids.has(timers[0]!);
}

/** A parameter of the first reply with `key`. */
const told = (replies: OutboundMessage[], key: string, param: string) =>
  replies.find((m) => m.reply.key === key)?.reply.params?.[param];

/** The defects of a run of technical conversations, by class: all empty when it went right. */
export interface EffectDefects {
  /** Conversations whose replies differ from a clean run's (extra, missing, "case.joined"). */
  path: string[];
  /** Conversations without exactly one case, the one they were told. */
  cases: string[];
  /** Cases without exactly one folio, the one they were told (R004-3). */
  folios: string[];
  /** Cases without exactly one SLA timer, for one of their instants (none: lost; two: doubled). */
  timers: string[];
}

/**
 * For every conversation of a technical run: the replies of a clean run (no extra, none
 * missing, no "case.joined" for its own case), one case, the one it was told, with its one SLA
 * timer, and one folio, the one it was told.
 */
export async function effectDefects(
  domain: Domain,
  db: Db,
  runs: Run[],
  network: Network,
  reference: string[],
): Promise<EffectDefects> {
  const defects: EffectDefects = { path: [], cases: [], folios: [], timers: [] };
  for (const run of runs) {
    const replies = network.repliesOf(run.user);
    const keys = replies.map((m) => m.reply.key);
    if (JSON.stringify(keys) !== JSON.stringify(reference))
      defects.path.push(`${run.user}: ${keys.filter((k) => !reference.includes(k)).join()}`);
    const cases = await domain.cases.cases
      .find({ conversationId: `terminal:${run.user}` }, { _id: 1 })
      .lean<{ _id: string }[]>();
    const caseNumber = told(replies, 'case.opened', 'caseNumber');
    if (cases.length !== 1 || cases[0]!._id !== caseNumber)
      defects.cases.push(`${run.user}: ${cases.map((c) => c._id).join()} told ${caseNumber}`);
    for (const c of cases) {
      if (!(await holdsItsSlaChain(domain, db, c._id))) defects.timers.push(c._id);
      const folios = await domain.folios.ofCase(c._id as CaseNumber);
      const folioNumber = told(replies, 'visit.folioConfirmed', 'folioNumber');
      if (folios.length !== 1 || folios[0]!.number !== folioNumber)
        defects.folios.push(`${run.user}: ${folios.map((f) => f.number).join()}`);
    }
  }
  return defects;
}
