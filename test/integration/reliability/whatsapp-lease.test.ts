/**
 * Decision 6, issue 14: one socket per WhatsApp number across processes. Two real processes
 * contend for the number's lease on one database: when the holder is killed the other takes
 * over within seconds, and a holder frozen past its term (a long pause, a stalled machine)
 * does not act again once it wakes up — the two never act at once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import type { LeaseWorkerReply } from '../../support/lease-worker.ts';
import { testDatabaseUri } from '../../support/database.ts';

const WORKER = fileURLToPath(new URL('../../support/lease-worker.ts', import.meta.url));
const TIMINGS = { ttlMs: 2_000, renewEveryMs: 250, marginMs: 500, skewMs: 250 };
/** The longest a takeover may take: the term, the skew, a contender's period, and slack. */
const TAKEOVER_MS = TIMINGS.ttlMs + TIMINGS.skewMs + TIMINGS.renewEveryMs + 1_500;

interface Worker {
  name: string;
  child: ChildProcess;
  events: LeaseWorkerReply[];
}

function start(name: string, uri: string): Promise<Worker> {
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      WORKER_URI: uri,
      WORKER_NAME: name,
      LEASE_TIMINGS: JSON.stringify(TIMINGS),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const worker: Worker = { name, child, events: [] };
  return new Promise((resolve, reject) => {
    child.on('message', (reply: LeaseWorkerReply) => {
      worker.events.push(reply);
      if (reply.type === 'ready') resolve(worker);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
}

async function waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const acquired = (w: Worker) => w.events.find((e) => e.type === 'acquired');

describe('one WhatsApp socket per number across processes (decision 6)', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  async function pair(): Promise<{
    uri: string;
    holder: Worker;
    other: Worker;
    db: mongoose.Connection;
  }> {
    const uri = testDatabaseUri();
    const db = mongoose.createConnection(uri);
    await db.asPromise();
    const workers = await Promise.all([start('a', uri), start('b', uri)]);
    children.push(...workers.map((w) => w.child));
    const holder = await waitFor(() => workers.find(acquired), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const other = workers.find((w) => w !== holder)!;
    expect(acquired(other)).toBeUndefined();
    return { uri, holder, other, db };
  }

  it('the holder is killed: the other process takes the number over within seconds', async () => {
    const { holder, other, db } = await pair();
    const killedAt = Date.now();
    holder.child.kill('SIGKILL');
    const taken = await waitFor(() => acquired(other), TAKEOVER_MS + 1_000);
    if (taken.type !== 'acquired') throw new Error('unreachable');
    const took = taken.at - killedAt;
    expect(took).toBeLessThan(TAKEOVER_MS);
    // Not before the dead holder's term could have run out.
    expect(took).toBeGreaterThan(TIMINGS.ttlMs - TIMINGS.marginMs - TIMINGS.renewEveryMs);
    expect(taken.term).toBe(2);
    await db.dropDatabase();
    await db.close();
  }, 30_000);

  it('a holder frozen past its term never acts again after a new one started: no overlap', async () => {
    const { holder, other, db } = await pair();
    holder.child.kill('SIGSTOP');
    await waitFor(() => acquired(other), TAKEOVER_MS + 1_000);
    // The new holder acts for a while; then the old one wakes up with its timers due.
    await new Promise((resolve) => setTimeout(resolve, 500));
    holder.child.kill('SIGCONT');
    await waitFor(() => holder.events.find((e) => e.type === 'lost'), 3_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const actions = await db
      .collection<{ worker: string; term: number; at: Date }>('lease_actions')
      .find({})
      .toArray();
    const of = (w: Worker) => actions.filter((a) => a.worker === w.name).map((a) => a.at.getTime());
    const oldLast = Math.max(...of(holder));
    const newFirst = Math.min(...of(other));
    expect(of(holder).length).toBeGreaterThan(0);
    expect(of(other).length).toBeGreaterThan(0);
    expect(oldLast).toBeLessThan(newFirst);
    const lost = holder.events.find((e) => e.type === 'lost');
    expect(lost && lost.type === 'lost' ? lost.reason : null).toMatch(/notRenewed|superseded/);
    await db.dropDatabase();
    await db.close();
  }, 30_000);
});
