/**
 * Issue 17, docs/SCALING.md: MongoDB refuses `shardCollection` on a collection with a unique
 * index that does not start with the shard key. Every unique index atiende makes must so start
 * with its collection's documented shard key, and the documents carry that key.
 */
import { describe, expect, it } from 'vitest';
import { benchCustomer, technicalScript } from '../../../bench/conversation.ts';
import { ANSWERS_INDEX } from '../../../src/bot/engine/store/version-store.ts';
import { startTestBot } from '../../support/runtime.ts';

/** The sharded collections' keys, as docs/SCALING.md gives them (the others stay unsharded). */
const SHARD_KEYS: Record<string, string> = {
  conversation_states: 'conversationId',
  case_events: 'caseNumber',
};

describe('indexes ready for a sharded cluster (issue 17)', () => {
  it('every unique index besides _id starts with its collection’s shard key, and every document carries that key', async () => {
    const bot = await startTestBot();
    const customer = benchCustomer('SH', 1);
    await bot.runtime.domain.customers.save(customer);
    const said: string[] = [];
    for (const step of technicalScript(customer.accountNumber, customer.equipment[0]!.serial)) {
      const replies = await bot.say('sofia', step.message);
      said.push(...replies.map((m) => m.reply.key));
    }
    expect(said).toContain('visit.folioConfirmed');

    const db = bot.connection.db!;
    const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map(
      (c) => c.name,
    );
    expect(collections).toEqual(expect.arrayContaining(['conversation_states', 'case_events']));
    const unique: { collection: string; name: string; key: Record<string, unknown> }[] = [];
    for (const collection of collections) {
      for (const index of await db.collection(collection).indexes()) {
        if (index.unique && index.name !== '_id_')
          unique.push({ collection, name: index.name!, key: index.key });
      }
    }
    // Any unique index must lead with its collection's shard key; today there is one.
    for (const { collection, key } of unique)
      expect({ collection, first: Object.keys(key)[0] }).toEqual({
        collection,
        first: SHARD_KEYS[collection],
      });
    expect(unique).toEqual([
      {
        collection: 'conversation_states',
        name: ANSWERS_INDEX,
        key: { conversationId: 1, answers: 1 },
      },
    ]);

    for (const [collection, field] of Object.entries(SHARD_KEYS)) {
      const documents = await db.collection(collection).countDocuments();
      expect(documents, collection).toBeGreaterThan(0);
      const keyed = await db
        .collection(collection)
        .countDocuments({ [field]: { $type: 'string' } });
      expect({ collection, keyed }).toEqual({ collection, keyed: documents });
    }
  }, 120_000);
});
