import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnOutcome } from '../../../src/bot/engine/engine.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { databaseUri, openTestConnection } from '../../support/database.ts';
import {
  START,
  EngineWorker,
  Network,
  doubtScript,
  inboundOf,
  redeliverOnTimeout,
  resume,
  runUntilKilled,
  seedCustomers,
  type Run,
} from './fixtures.ts';

// Sized for a 2-core machine running the suite's other files at the same time: after the
// restart every conversation's next message is a cache miss (its latest version found by
// probing `_id`s) in a freshly started worker process.
const USERS = 40;
const TIMER_USERS = 20;

describe('a process killed with SIGKILL in the middle of a run, and another started on the same database', () => {
  let connection: Connection;
  let domain: Domain;
  let uri: string;
  const workers: EngineWorker[] = [];
  const start = (name: string, network: Network) => {
    const worker = new EngineWorker(name, uri, START, network.onDelivered);
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    connection = await openTestConnection();
    domain = createDomain(connection, DEFAULT_POLICY, new ManualClock(START));
    await domain.init();
    await seedCustomers(domain, 0, USERS + TIMER_USERS + 1);
    uri = databaseUri(connection.name);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
  });

  /** Messages the network redelivered after a turn timeout (reported, not hidden). */
  const redelivered: string[] = [];
  const send = (worker: EngineWorker, run: Run, n: number) =>
    redeliverOnTimeout(`${worker.name}:${run.user}-m${n}`, redelivered, () =>
      worker.handle(inboundOf(run.user, n, run.script[n]!)),
    );

  const count = (outcomes: TurnOutcome[]) =>
    outcomes.reduce<Record<string, number>>((c, o) => ({ ...c, [o]: (c[o] ?? 0) + 1 }), {});

  // Both tests below fail at random while two crash windows in src/ stay open (a kill between
  // claiming a matter and inserting its case; between storing a state and inserting its timer):
  // crash-windows.test.ts reproduces each deterministically.
  it('conversations resume where they were: every reply delivered, none twice except recovery resends of the same delivery id, exactly one case each', async () => {
    const network = new Network();
    const a = start('A', network);
    await a.ready;

    // The reference: one clean run of the script on A.
    const script = (i: number) => doubtScript(i, true);
    for (const [n, step] of script(0).entries()) await a.handle(inboundOf('ref', n, step));
    const reference = network.keysOf('ref');
    expect(reference).toContain('request.registered');
    expect(reference.at(-1)).toBe('common.goodbye');

    const runs: Run[] = Array.from({ length: USERS }, (_, k) => ({
      user: `k${k + 1}`,
      script: script(k + 1),
      acked: 0,
      inFlight: null,
      outcomes: [],
    }));
    const total = USERS * script(0).length;
    await runUntilKilled(a, runs, send, Math.floor(total * 0.45));
    const inFlightAtKill = runs.filter((r) => r.inFlight !== null).length;
    const deliveredByA = network.all.length;
    expect(inFlightAtKill).toBeGreaterThan(USERS / 2); // the kill really cut turns in flight
    expect(runs.some((r) => r.acked === r.script.length)).toBe(false);

    const b = start('B', network);
    const { recovered } = await b.ready;
    const { resentAcked, resentUnacked } = await resume(b, runs, send, (r) => r.script.length);
    console.info(
      `[reliability] kill: ${inFlightAtKill}/${USERS} messages in flight, ${deliveredByA} replies delivered by A; ` +
        `B recovered ${recovered} replies, ${network.resends.length} of them resends; ` +
        `redelivered unacked → ${JSON.stringify(count(resentUnacked))}, acked → ${JSON.stringify(count(resentAcked))}; ` +
        `B ${JSON.stringify(await b.stats())}; redelivered after a turn timeout: ${JSON.stringify(redelivered)}`,
    );

    // Acknowledged messages redelivered are dropped.
    expect(new Set(resentAcked)).toEqual(new Set(['duplicate']));
    // No worker delivered a delivery id twice; the only repeats across workers are B's start-up
    // recovery resending an outbox A had delivered (the same delivery id: a network drops it).
    expect(network.repeatedWithin('A')).toEqual([]);
    expect(network.repeatedWithin('B')).toEqual([]);
    for (const resend of network.resends) {
      expect(resend).toMatchObject({ worker: 'B', duringStart: true });
      expect(network.first.get(resend.message.deliveryId)?.worker).toBe('A');
    }

    // Nothing lost, nothing extra: each conversation got exactly the reference's replies.
    const wrong = runs
      .map((r) => ({ user: r.user, got: network.keysOf(r.user) }))
      .filter((r) => JSON.stringify(r.got) !== JSON.stringify(reference));
    expect(wrong).toEqual([]);

    // Exactly one case per conversation, and it is the one the customer was told.
    const cases = await domain.cases.cases
      .find({ conversationId: { $regex: '^terminal:k' } }, { conversationId: 1 })
      .lean<{ _id: string; conversationId: string }[]>();
    for (const run of runs) {
      const own = cases.filter((c) => c.conversationId === `terminal:${run.user}`);
      const told = network.repliesOf(run.user).find((m) => m.reply.key === 'request.registered')
        ?.reply.params?.caseNumber;
      expect({ user: run.user, cases: own.map((c) => c._id) }).toEqual({
        user: run.user,
        cases: [told],
      });
    }
    expect(cases).toHaveLength(USERS);
    await b.stop();
  }, 120_000);

  it('R001-7: the 20-minute deadlines of conversations cut by a SIGKILL fire once in the new process, each with a ticket and its transcript', async () => {
    const network = new Network();
    const c = start('C', network);
    await c.ready;
    // Identify and ask for a doubt, then stop: the conversations wait for the description.
    const runs: Run[] = Array.from({ length: TIMER_USERS }, (_, k) => ({
      user: `t${k + 1}`,
      script: doubtScript(USERS + 1 + k).slice(0, 3),
      acked: 0,
      inFlight: null,
      outcomes: [],
    }));
    await runUntilKilled(c, runs, send, Math.floor(TIMER_USERS * 3 * 0.5));
    const inFlightAtKill = runs.filter((r) => r.inFlight !== null).length;
    expect(inFlightAtKill).toBeGreaterThan(0);

    const d = start('D', network);
    await d.ready;
    await resume(d, runs, send, (r) => r.script.length);
    for (const run of runs) expect(network.keysOf(run.user).at(-1)).toBe('request.askDescription');

    await d.setClock(new Date(Date.parse(START) + 19 * 60_000));
    expect(await d.tick()).toBe(0); // 19 minutes: not yet
    // Past 20 minutes. A tick whose fire failed (a turn timeout under load) leaves its claim;
    // the claim is taken over once stale (30 s), so the next try moves the clock past that.
    let at = Date.parse(START) + 21 * 60_000;
    await d.setClock(new Date(at));
    let fired = 0;
    const failedTicks: string[] = [];
    for (let round = 0; round < 4; round++) {
      try {
        fired += await d.tick();
        break;
      } catch (error) {
        failedTicks.push((error as Error).message);
        at += 31_000;
        await d.setClock(new Date(at));
      }
    }
    expect(await d.tick()).toBe(0); // once
    const missing: string[] = [];
    for (const run of runs) {
      const limits = network.keysOf(run.user).filter((k) => k.startsWith('chatLimit.'));
      if (
        JSON.stringify(limits) !== JSON.stringify(['chatLimit.reached', 'chatLimit.ticketOpened'])
      )
        missing.push(`${run.user}: ${JSON.stringify(limits)}`);
    }
    console.info(
      `[reliability] deadlines: ${inFlightAtKill}/${TIMER_USERS} in flight at the kill; D fired ${fired}; ` +
        `failed ticks: ${JSON.stringify(failedTicks)}; redelivered: ${JSON.stringify(redelivered)}`,
    );
    expect(missing).toEqual([]);
    if (failedTicks.length === 0) expect(fired).toBe(TIMER_USERS);
    expect(network.repeatedWithin('D')).toEqual([]);

    // One ticket per conversation, holding the conversation's transcript.
    for (const run of runs) {
      const tickets = await domain.cases.cases
        .find({ conversationId: `terminal:${run.user}` }, { _id: 1 })
        .lean<{ _id: string }[]>();
      expect(tickets, run.user).toHaveLength(1);
      const timeline = await domain.cases.timeline(tickets[0]!._id as never);
      const transcript = timeline.find((e) => e.kind === 'transcript');
      expect(transcript?.text, run.user).toContain(`customer: ${run.script[0]}`);
    }
    await d.stop();
  }, 120_000);
});
