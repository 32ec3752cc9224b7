/**
 * The embedded server's read index: FerretDB v1 pushes a read or delete by `_id` down to
 * SQLite with an expression its own unique index does not match, so without the index our
 * wrapper adds every such read scanned the table. The state store reads only by `_id`
 * (ARCHITECTURE "Measured"): this is what keeps a cache miss cheap as the history grows.
 */
import { describe, expect, it } from 'vitest';
import { openTestConnection } from '../../support/database.ts';

describe('embedded database: reads by _id', () => {
  it('are index lookups in SQLite, not table scans, on a collection created while it runs', async () => {
    const connection = await openTestConnection();
    const collection = connection.db!.collection<{ _id: string; n: number }>('probe');
    await collection.insertMany(Array.from({ length: 200 }, (_, n) => ({ _id: `doc-${n}`, n })));

    // The index is added within a fraction of a second of the table's creation; each pooled
    // connection sees it on its next statement.
    const deadline = Date.now() + 5_000;
    let plan = '';
    while (Date.now() < deadline) {
      expect(await collection.findOne({ _id: 'doc-7' })).toMatchObject({ n: 7 });
      const explained = (await collection.find({ _id: 'doc-7' }).explain()) as {
        queryPlanner?: { Plan?: string[] };
      };
      plan = (explained.queryPlanner?.Plan ?? []).join(' ');
      if (plan.includes('SEARCH')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(plan).toMatch(/SEARCH \S+ USING INDEX \S+_atiende_id_read/);

    // Deletes by _id take the same path.
    await collection.deleteOne({ _id: 'doc-9' });
    expect(await collection.countDocuments()).toBe(199);
  });
});
