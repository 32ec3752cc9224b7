import type { Db } from 'mongodb';

/**
 * The numbers of the collections named `<prefix><integer>` (the journal's minutes, the timers'
 * hours), ascending: data kept one collection per stretch of time is dropped a collection at a
 * time, which FerretDB v1 does at once, instead of deleted a document at a time.
 */
export async function numberedCollections(db: Db, prefix: string): Promise<number[]> {
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  return collections
    .filter((c) => c.name.startsWith(prefix))
    .map((c) => Number(c.name.slice(prefix.length)))
    .filter((n) => Number.isSafeInteger(n))
    .sort((a, b) => a - b);
}
