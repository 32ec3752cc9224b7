/**
 * Generic storage mechanics on MongoDB (and FerretDB v1): batching, group commit, "once"
 * inserts, collections numbered by stretch of time. Knows nothing of the business; the domain
 * and the bot build their repositories and stores on it.
 */
export { Batcher, type BatcherOptions, type Queued, type WriteBatch } from './batcher.ts';
export { isDuplicateKeyError } from './duplicate-key.ts';
export { GroupInserter, insertOnce, type InsertOutcome } from './group-insert.ts';
export { IdGroupInserter } from './id-group-insert.ts';
export { numberedCollections } from './numbered-collections.ts';
export { PeriodicRun, type PeriodicRunOptions } from './periodic-run.ts';
