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
  seedCustomers,
  seeded,
} from './fixtures.ts';

const USERS = 30;
const TIMER_USERS = 15;

describe('two engine processes on one database serving the same conversations', () => {
  let connection: Connection;
  let domain: Domain;
  let p1: EngineWorker;
  let p2: EngineWorker;
  const network = new Network();

  beforeAll(async () => {
    connection = await openTestConnection();
    domain = createDomain(connection, DEFAULT_POLICY, new ManualClock(START));
    await domain.init();
    await seedCustomers(domain, 0, USERS + TIMER_USERS + 1);
    const uri = databaseUri(connection.name);
    p1 = new EngineWorker('P1', uri, START, network.onDelivered);
    p2 = new EngineWorker('P2', uri, START, network.onDelivered);
    await Promise.all([p1.ready, p2.ready]);
  });
  afterAll(async () => {
    await Promise.all([p1?.stop(), p2?.stop()]);
  });

  it('R001-5: each message to a random process and its copy to a random one: replies in order, none twice, exactly one case each', async () => {
    for (const [n, step] of doubtScript(0).entries()) await p1.handle(inboundOf('ref', n, step));
    const reference = network.keysOf('ref');
    expect(reference).toContain('request.registered');

    const random = seeded(7);
    const pick = () => (random() < 0.5 ? p1 : p2);
    const redelivered: string[] = [];
    const pairs: TurnOutcome[][] = [];
    let crossed = 0;
    await Promise.all(
      Array.from({ length: USERS }, async (_, k) => {
        const user = `w${k + 1}`;
        for (const [n, step] of doubtScript(k + 1).entries()) {
          const message = inboundOf(user, n, step);
          const [first, second] = [pick(), pick()];
          if (first !== second) crossed++;
          pairs.push(
            await Promise.all(
              [first, second].map((w) =>
                redeliverOnTimeout(`${w.name}:${message.messageId}`, redelivered, () =>
                  w.handle(message),
                ),
              ),
            ),
          );
        }
      }),
    );
    const [s1, s2] = await Promise.all([p1.stats(), p2.stats()]);
    console.info(
      `[reliability] two processes: ${crossed}/${pairs.length} messages raced across processes; ` +
        `P1 ${JSON.stringify(s1)}; P2 ${JSON.stringify(s2)}; redelivered ${JSON.stringify(redelivered)}`,
    );
    expect(crossed).toBeGreaterThan(0);
    expect(s1.answered).toBeGreaterThan(0);
    expect(s2.answered).toBeGreaterThan(0);
    for (const pair of pairs) expect(pair.sort()).toEqual(['answered', 'duplicate']);

    // No delivery id twice, from either process or across them.
    expect(network.resends.map((s) => s.message.deliveryId)).toEqual([]);
    const wrong = Array.from({ length: USERS }, (_, k) => `w${k + 1}`)
      .map((user) => ({ user, got: network.keysOf(user) }))
      .filter((r) => JSON.stringify(r.got) !== JSON.stringify(reference));
    expect(wrong).toEqual([]);

    for (let k = 1; k <= USERS; k++) {
      const user = `w${k}`;
      const own = await domain.cases.cases
        .find({ conversationId: `terminal:${user}` }, { _id: 1 })
        .lean<{ _id: string }[]>();
      const told = network.repliesOf(user).find((m) => m.reply.key === 'request.registered')?.reply
        .params?.caseNumber;
      expect({ user, cases: own.map((c) => c._id) }).toEqual({ user, cases: [told] });
    }
  }, 120_000);

  // Fails today (3 runs out of 3, user z1): the process that fires a deadline may hold a stale
  // copy of the conversation and opens a ticket for it before losing the version insert, then
  // a second one; see the deterministic it.fails in crash-windows.test.ts.
  it('R001-7: both schedulers ticking at once fire each 20-minute deadline once', async () => {
    const users = Array.from({ length: TIMER_USERS }, (_, k) => `z${k + 1}`);
    const random = seeded(11);
    await Promise.all(
      users.map(async (user, k) => {
        // Identify and choose a doubt, then go quiet, on random processes.
        for (const [n, step] of doubtScript(USERS + 1 + k)
          .slice(0, 3)
          .entries())
          await (random() < 0.5 ? p1 : p2).handle(inboundOf(user, n, step));
      }),
    );
    const at = new Date(Date.parse(START) + 21 * 60_000);
    await Promise.all([p1.setClock(at), p2.setClock(at)]);
    const fired = await Promise.all([p1.tick(), p2.tick()]);
    const again = await Promise.all([p1.tick(), p2.tick()]);
    console.info(`[reliability] two schedulers fired ${JSON.stringify(fired)}`);

    // Every open conversation has its deadline: the doubts of the first test (waiting at
    // "anything else?") and these. `fired` may count more: a process that read a due timer
    // just before the other finished it claims it again (the claim is deleted with the timer),
    // and the engine drops that second firing; so the count is a lower bound, the replies exact.
    const earlier = network.keysOf('ref').length > 0 ? USERS : 0; // the first test ran
    expect(fired[0] + fired[1]).toBeGreaterThanOrEqual(TIMER_USERS + (earlier && earlier + 1));
    expect(again).toEqual([0, 0]);
    for (let k = 1; k <= earlier; k++) {
      const limits = network.keysOf(`w${k}`).filter((key) => key.startsWith('chatLimit.'));
      expect({ user: `w${k}`, limits }).toEqual({
        user: `w${k}`,
        limits: ['chatLimit.reached', 'chatLimit.continuesInCase'],
      });
    }
    expect(network.resends.map((s) => s.message.deliveryId)).toEqual([]);
    for (const [k, user] of users.entries()) {
      const limits = network.keysOf(user).filter((key) => key.startsWith('chatLimit.'));
      expect({ user, limits }).toEqual({
        user,
        limits: ['chatLimit.reached', 'chatLimit.ticketOpened'],
      });
      const tickets = await domain.cases.cases
        .find({ conversationId: `terminal:${user}` }, { _id: 1, matterKey: 1, subject: 1 })
        .lean<{ _id: string; matterKey: string; subject: string }[]>();
      expect(tickets, `${user}: ${JSON.stringify(tickets)}`).toHaveLength(1);
      const transcript = (await domain.cases.timeline(tickets[0]!._id as never)).find(
        (e) => e.kind === 'transcript',
      );
      expect(transcript?.text, user).toContain(`customer: ${doubtScript(USERS + 1 + k)[0]}`);
    }
  }, 120_000);
});
