/**
 * Issue 17, decision 0 under real concurrency: two engine processes on one database write the
 * same conversations' next versions (each message to one process and its copy to the other)
 * while a third process moves every conversation to a newer generation, run after run. The
 * move claims version n+1 in the old collection by insert, so a turn racing it fails its insert
 * there, reads again and follows the stub: no version is stored twice across generations, no
 * reply is lost or sent twice, every version reads back, and each move leaves one standing
 * version at the head of the newer generation.
 */
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnOutcome } from '../../../src/bot/engine/engine.ts';
import { EngineStores } from '../../../src/bot/engine/store/index.ts';
import { compactConversations } from '../../../src/bot/retention/index.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { databaseUri, openTestConnection } from '../../support/database.ts';
import { storedByGeneration } from '../../support/script-steps.ts';
import {
  START,
  EngineWorker,
  Network,
  doubtScript,
  inboundOf,
  jitter,
  redeliverOnTimeout,
  seedCustomers,
  seeded,
} from '../reliability/fixtures.ts';

const USERS = 12;
const DAY_MS = 86_400_000;

describe('two processes writing while a third moves conversations to newer generations', () => {
  let connection: Connection;
  let domain: Domain;
  let p1: EngineWorker;
  let p2: EngineWorker;
  const network = new Network();

  beforeAll(async () => {
    connection = await openTestConnection();
    domain = createDomain(connection, DEFAULT_POLICY, new ManualClock(START));
    await domain.init();
    await seedCustomers(domain, 0, USERS + 1);
    const uri = databaseUri(connection.name);
    p1 = new EngineWorker('P1', uri, START, network.onDelivered);
    p2 = new EngineWorker('P2', uri, START, network.onDelivered);
    await Promise.all([p1.ready, p2.ready]);
  });
  afterAll(async () => {
    await Promise.all([p1?.stop(), p2?.stop()]);
  });

  it('R001-5: no fork, no reply lost or doubled, every version readable, one standing version per move', async () => {
    for (const [n, step] of doubtScript(0, true).entries())
      await p1.handle(inboundOf('ref', n, step));
    const reference = network.keysOf('ref');
    expect(reference).toContain('request.registered');

    const mover = new EngineStores(connection.db!, 'mover', () => new Date(START));
    const versions = mover.versions;
    let writing = true;
    let runs = 0;
    let moved = 0;
    let leftActive = 0;
    let finished = 0;
    const moving = (async () => {
      while (writing) {
        runs++;
        const report = await compactConversations(versions, {
          now: new Date(Date.parse(START) + runs * 31 * DAY_MS),
          dropAfterMs: 10_000 * DAY_MS,
          batch: 4,
          concurrency: 4,
        });
        moved += report.compacted;
        leftActive += report.leftActive;
        finished += report.finished;
      }
    })();

    const random = seeded(17);
    const pick = () => (random() < 0.5 ? p1 : p2);
    const redelivered: string[] = [];
    const pairs: TurnOutcome[][] = [];
    await Promise.all(
      Array.from({ length: USERS }, async (_, k) => {
        const user = `g${k + 1}`;
        for (const [n, step] of doubtScript(k + 1, true).entries()) {
          await jitter(random, 20);
          const message = inboundOf(user, n, step);
          pairs.push(
            await Promise.all(
              [pick(), pick()].map((w) =>
                redeliverOnTimeout(`${w.name}:${message.messageId}`, redelivered, () =>
                  w.handle(message),
                ),
              ),
            ),
          );
        }
      }),
    );
    writing = false;
    await moving;
    const [s1, s2] = await Promise.all([p1.stats(), p2.stats()]);
    console.info(
      `[generations] ${runs} runs moved ${moved} conversations (${leftActive} left active, ` +
        `${finished} finished); P1 ${JSON.stringify(s1)}; P2 ${JSON.stringify(s2)}; ` +
        `redelivered ${JSON.stringify(redelivered)}`,
    );
    expect(moved).toBeGreaterThan(USERS);
    for (const pair of pairs) expect(pair.sort()).toEqual(['answered', 'duplicate']);

    // No delivery twice, none missing: each user got exactly the reference's replies.
    expect(network.resends.map((s) => s.message.deliveryId)).toEqual([]);
    const wrong = Array.from({ length: USERS }, (_, k) => `g${k + 1}`)
      .map((user) => ({ user, got: network.keysOf(user) }))
      .filter((r) => JSON.stringify(r.got) !== JSON.stringify(reference));
    expect(wrong).toEqual([]);

    const db = connection.db!;
    let standing = 0;
    for (let k = 1; k <= USERS; k++) {
      const id = `terminal:g${k}`;
      const own = await domain.cases.cases.find({ conversationId: id }, { _id: 1 }).lean();
      expect({ id, cases: own.length }).toEqual({ id, cases: 1 });
      const latest = (await versions.latest(id))!;
      const inputs = latest.recent.filter((key) => !key.startsWith('compacted:'));
      expect({ id, inputs: inputs.length }).toEqual({ id, inputs: doubtScript(k, true).length });
      // No fork: each version number stored once across generations, none missing.
      const stored = await storedByGeneration(db, id);
      const numbers = Object.values(stored)
        .flat()
        .filter((v) => v > 0)
        .sort((a, b) => a - b);
      expect({ id, numbers }).toEqual({
        id,
        numbers: Array.from({ length: latest.version }, (_, v) => v + 1),
      });
      // Each generation but the last ends in a stub, whose number starts the next generation:
      // its one standing version, answering an input of its own.
      const names = Object.keys(stored);
      for (const [g, name] of names.entries()) {
        const docs = stored[name]!;
        if (g === names.length - 1) {
          expect({ id, name, stubs: docs.filter((v) => v < 0) }).toEqual({ id, name, stubs: [] });
          continue;
        }
        const stub = -docs.at(-1)!;
        expect({ id, name, stub: docs.at(-1)! < 0, after: docs.at(-2)! + 1 }).toEqual({
          id,
          name,
          stub: true,
          after: stub,
        });
        const next = names[g + 1]!;
        expect(stored[next]![0]).toBe(stub);
        const head = await db.collection(next).findOne({ _id: `${id}:${stub}` as never });
        expect(String(head!.answers)).toMatch(/^compacted:/);
        standing++;
      }
      for (let v = 1; v <= latest.version; v++)
        expect({ id, v, read: (await versions.read(id, v)) !== null }).toEqual({
          id,
          v,
          read: true,
        });
    }
    expect(standing).toBeGreaterThanOrEqual(USERS);
  }, 300_000);
});
