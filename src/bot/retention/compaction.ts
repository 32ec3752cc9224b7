import type { Collection } from 'mongodb';
import pLimit from 'p-limit';
import type { VersionStore } from '../engine/store/index.ts';
import { encodeState } from '../engine/state-codec.ts';
import { generationAt, stubAnswers, type MovedStub } from '../engine/store/generations.ts';
import { VersionGone } from '../engine/store/version-floor.ts';
import { standingVersion } from '../engine/store/version-move.ts';
import { dropEmptied, type Emptying } from './generation-drops.ts';
import { readStoredSpan } from './stored-span.ts';

export { standingVersion } from '../engine/store/version-move.ts';

/** A generation's length by default: 30 days. */
export const DEFAULT_PERIOD_MS = 30 * 86_400_000;
/** How long a generation stays after its last conversation left it, by default: a day. */
export const DEFAULT_DROP_AFTER_MS = 86_400_000;

/** What one compaction run is told. */
export interface CompactionOptions {
  /** The business clock's now: the current generation is the period it falls in. */
  now: Date;
  /** A generation's length (`generationAt`). */
  periodMs?: number;
  /**
   * A generation left empty this long (no conversation moved out of it since) is dropped: more
   * than any process keeps a version in memory (its cache's idle time), a pending reply waits
   * for recovery (minutes), or a process trusts the registry (a minute).
   */
  dropAfterMs?: number;
  /** Conversations looked at per batch (progress is told after each). */
  batch?: number;
  /** Conversations moved at once. */
  concurrency?: number;
  /** Told after the scan and after each batch. */
  onProgress?: (progress: CompactionProgress) => void;
}

/** How far a run is. */
export interface CompactionProgress {
  /** Conversations stored (found by the scan of the heads). */
  total: number;
  /** Of them, looked at so far. */
  done: number;
}

/** What a run did. */
export interface CompactionReport {
  /** Conversations stored (their heads scanned). */
  conversations: number;
  /** The current generation (the one conversations were moved to). */
  generation: number;
  /** Conversations found in an older generation. */
  eligible: number;
  /** Moved to the current generation: a stub in the old one, their latest state standing alone in the new. */
  compacted: number;
  /** Moves an earlier run (or a reader) left part-way, and deletes of the older layout, finished now. */
  finished: number;
  /** A turn took the version the move claimed: left for the next run. */
  leftActive: number;
  /** Versions deleted one by one: only what compaction of the older layout left recorded. */
  versionsDeleted: number;
  /** Generations whose collection was dropped whole by this run. */
  dropped: number[];
  ms: number;
  /** Where the time went: the heads' scan, the moves, the drops. */
  phasesMs: { scan: number; moves: number; drops: number };
}

/**
 * Compaction by generations (issue 17, docs/RETENTION.md): the run opens the generation of
 * `now` (new conversations start there), moves every conversation of an older generation into
 * it — idle or active: a move claims version n+1 in the old collection by inserting a stub
 * there, then writes the conversation's latest state whole as version n+1 of the new
 * generation and links the floor to it, each by insert — and drops an older generation's
 * collection whole once no conversation has been moved out of it for `dropAfterMs`. No version
 * is deleted one by one (but what compaction of the older layout recorded and did not finish).
 *
 * A turn racing a move fails its insert on the stub's `_id`, reads again and follows the stub
 * (`VersionStore.latest`); a move killed part-way is finished by the next reader or run.
 * Deduplication after a move: a redelivered message is among the standing version's last
 * RECENT_INPUTS inputs (`recent`), which the engine checks on whatever version it builds on.
 */
export async function compactConversations(
  versions: VersionStore,
  options: CompactionOptions,
): Promise<CompactionReport> {
  const started = performance.now();
  const now = options.now;
  const generation = generationAt(now, options.periodMs ?? DEFAULT_PERIOD_MS);
  await versions.generations.open(generation, now);
  // The heads (one tiny document per conversation) are scanned, never the versions: FerretDB v1
  // decodes every document a scan meets, ~1 ms per version here.
  const heads = await versions.heads.find({}, { projection: { _id: 1, generation: 1 } }).toArray();
  const report: CompactionReport = {
    conversations: heads.length,
    generation,
    eligible: 0,
    compacted: 0,
    finished: 0,
    leftActive: 0,
    versionsDeleted: 0,
    dropped: [],
    ms: 0,
    phasesMs: { scan: Math.round(performance.now() - started), moves: 0, drops: 0 },
  };
  options.onProgress?.({ total: heads.length, done: 0 });
  for (const record of await versions.floors.unfinished.find({}).toArray()) {
    report.versionsDeleted += await deleteRecorded(versions, record.spans);
    await versions.floors.unfinished.deleteOne({ _id: record._id });
    report.finished += record.spans.length;
  }
  const movesStarted = performance.now();
  const emptying: Emptying = new Map();
  const size = options.batch ?? 250;
  const limit = pLimit(options.concurrency ?? 8);
  for (let start = 0; start < heads.length; start += size) {
    const batch = heads.slice(start, start + size);
    await Promise.all(
      batch.map((head) =>
        limit(async () => {
          // Generations only grow along a conversation's links: one started in the current
          // generation (or later) has nothing older.
          if ((head.generation ?? 0) >= generation) return;
          await moveToCurrent(versions, head._id, generation, now, report, emptying);
        }),
      ),
    );
    options.onProgress?.({ total: heads.length, done: start + batch.length });
  }
  report.phasesMs.moves = Math.round(performance.now() - movesStarted);
  const dropsStarted = performance.now();
  report.dropped = await dropEmptied(versions, generation, emptying, {
    now,
    dropAfterMs: options.dropAfterMs ?? DEFAULT_DROP_AFTER_MS,
  });
  report.phasesMs.drops = Math.round(performance.now() - dropsStarted);
  report.ms = Math.round(performance.now() - started);
  return report;
}

/**
 * Moves one conversation, if older than `generation`, into it: reads its latest version in its
 * generation, claims the next number there with a stub, stores its latest state standing alone
 * under that number in `generation`, links its floor. A stub met at the end (a move that died,
 * or one racing) is followed by `VersionStore.latest`, which finishes it; then looked at again.
 */
async function moveToCurrent(
  versions: VersionStore,
  conversationId: string,
  generation: number,
  now: Date,
  report: CompactionReport,
  emptying: Emptying,
): Promise<void> {
  for (let look = 0; look < 3; look++) {
    const located = await versions.locate(conversationId);
    const from = located.generation;
    if (from >= generation) return;
    const counts = emptying.get(from) ?? { movedOut: 0, left: 0 };
    emptying.set(from, counts);
    const span = await readStoredSpan(versions, from, conversationId, located.floor);
    if (!span) {
      // Registered and never stored (or stored under a floor deleted meanwhile): nothing to move
      // unless it has a version 1 later, which the next run sees.
      if (located.segments.length > 1) counts.left++;
      return;
    }
    if (span.stub) {
      await versions.latest(conversationId);
      report.finished++;
      continue;
    }
    report.eligible++;
    let latest;
    try {
      latest = await versions.stateAt(from, conversationId, span.version, located.floor, span.docs);
    } catch (error) {
      if (!(error instanceof VersionGone)) throw error;
      counts.left++;
      report.leftActive++;
      return;
    }
    const _id = `${conversationId}:${span.version + 1}`;
    const stub: MovedStub = {
      _id,
      conversationId,
      version: span.version + 1,
      answers: stubAnswers(_id),
      moved: generation,
      createdAt: now,
    };
    if ((await versions.generations.insert(from, stub)) === 'duplicate') {
      // A turn stored this number first: the conversation is active, moved by the next run.
      counts.left++;
      report.leftActive++;
      return;
    }
    await versions.generations.insert(generation, encodeState(standingVersion(latest)));
    await versions.floors.linkMove(conversationId, generation, stub.version, now);
    counts.movedOut++;
    report.compacted++;
    return;
  }
}

/**
 * Deletes what compaction of the older layout (before generations) recorded in
 * `compaction_deletes` and died before finishing: each conversation's versions `from` up to
 * `to` in generation 0, by `_id`, oldest first. Deleting a deleted `_id` is a no-op.
 */
async function deleteRecorded(
  versions: VersionStore,
  spans: readonly { conversationId: string; from: number; to: number }[],
): Promise<number> {
  const ids: string[] = [];
  for (const { conversationId, from, to } of spans)
    for (let v = from; v < to; v++) ids.push(`${conversationId}:${v}`);
  if (ids.length === 0) return 0;
  const states = versions.states as unknown as Collection<{ _id: string }>;
  const result = await states.bulkWrite(
    ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
    { ordered: true },
  );
  return result.deletedCount;
}
