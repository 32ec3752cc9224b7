/**
 * Issue 17: the unique index of answered inputs becomes `(conversationId, answers)`, which a
 * cluster sharded on `{ conversationId: 1 }` accepts (docs/SCALING.md). Databases made before
 * keep their guarantee through the change, and it still holds between real processes.
 */
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnOutcome } from '../../../src/bot/engine/engine.ts';
import { RECENT_INPUTS } from '../../../src/bot/engine/state.ts';
import {
  ANSWERS_INDEX,
  LEGACY_ANSWERS_INDEX,
} from '../../../src/bot/engine/store/version-store.ts';
import { databaseUri, openTestConnection } from '../../support/database.ts';
import { EngineWorker, Network, START, inboundOf } from './fixtures.ts';

/** More inputs than a version's `recent` holds: the first one is then known by the index only. */
const MESSAGES = RECENT_INPUTS + 6;

describe('the shard-ready unique index of answered inputs, on a database made before it (issue 17)', () => {
  let connection: Connection;
  let p1: EngineWorker;
  let p2: EngineWorker;
  const network = new Network();
  const states = () => connection.db!.collection('conversation_states');

  beforeAll(async () => {
    connection = await openTestConnection();
    // As an older atiende left it: versions stored under the `{ answers: 1 }` index.
    await states().createIndex({ answers: 1 }, { unique: true, name: LEGACY_ANSWERS_INDEX });
    await states().insertMany([
      { _id: 'terminal:old:1' as never, conversationId: 'terminal:old', answers: 'in:terminal:1' },
      { _id: 'terminal:old:2' as never, conversationId: 'terminal:old', answers: 'in:terminal:2' },
    ]);
    // Two processes upgraded at once: both migrate the index as they start.
    const uri = databaseUri(connection.name);
    p1 = new EngineWorker('P1', uri, START, network.onDelivered);
    p2 = new EngineWorker('P2', uri, START, network.onDelivered);
    await Promise.all([p1.ready, p2.ready]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([p1?.stop(), p2?.stop()]);
  });

  it('two processes starting at once leave the (conversationId, answers) unique index alone, and it refuses a second answer', async () => {
    const indexes = await states().indexes();
    expect(indexes.map((i) => i.name).sort()).toEqual(['_id_', ANSWERS_INDEX]);
    const index = indexes.find((i) => i.name === ANSWERS_INDEX)!;
    expect(index).toMatchObject({ key: { conversationId: 1, answers: 1 }, unique: true });
    await expect(
      states().insertOne({
        _id: 'terminal:old:3' as never,
        conversationId: 'terminal:old',
        answers: 'in:terminal:2',
      }),
    ).rejects.toMatchObject({ code: 11000 });
  });

  it('decision 0: a message answered more than RECENT_INPUTS inputs ago, redelivered to both processes at once, is answered once', async () => {
    const user = 'paula';
    const sent = Array.from({ length: MESSAGES }, (_, n) =>
      inboundOf(user, n, n === 0 ? 'Hola, buenas tardes' : `mensaje ${n}`),
    );
    for (const message of sent) expect(await p1.handle(message)).toBe('answered');
    const delivered = network.keysOf(user).length;

    // Its key is no longer among the latest version's `recent`: only the index knows it. Each
    // process gets three copies, all racing.
    const first = sent[0]!;
    const outcomes: TurnOutcome[] = await Promise.all(
      [p1, p2, p1, p2, p1, p2].map((worker) => worker.handle(first)),
    );
    expect(outcomes).toEqual(Array(6).fill('duplicate'));
    expect(network.keysOf(user).length).toBe(delivered);
    const versions = await states().countDocuments({ conversationId: `terminal:${user}` });
    expect(versions).toBe(MESSAGES);

    // A new message and its copy, one to each process: one answer.
    const next = inboundOf(user, MESSAGES, 'gracias');
    expect((await Promise.all([p1.handle(next), p2.handle(next)])).sort()).toEqual([
      'answered',
      'duplicate',
    ]);
    expect(network.resends).toEqual([]);
  }, 240_000);
});
