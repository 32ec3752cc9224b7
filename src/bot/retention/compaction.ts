import type { Collection } from 'mongodb';
import pLimit from 'p-limit';
import { GroupInserter } from '../../storage/index.ts';
import type { VersionStore } from '../engine/store/index.ts';
import { RECENT_INPUTS, type ConversationState } from '../engine/state.ts';
import { encodeState } from '../engine/state-codec.ts';
import type { ConversationMode } from '../engine/messages.ts';

/** The modes a conversation idle long enough is compacted in: nobody is serving it. */
const COMPACTED_MODES: readonly ConversationMode[] = ['closed', 'bot'];

/** What one compaction run is told. */
export interface CompactionOptions {
  /** The business clock's now. */
  now: Date;
  /** A conversation whose latest version is younger than this is left whole. */
  idleMs: number;
  /** Conversations handled per batch (one group insert, one ordered delete each). */
  batch?: number;
  /** Latest versions read at once. */
  concurrency?: number;
  /** Told after the scan and after each batch. */
  onProgress?: (progress: CompactionProgress) => void;
}

/** How far a run is. */
export interface CompactionProgress {
  /** Conversations to compact (found by the scan). */
  total: number;
  /** Of them, handled so far (compacted or left: active again). */
  done: number;
}

/** What a run did. */
export interface CompactionReport {
  /** Version documents the scan read, and the conversations they belong to. */
  versionsScanned: number;
  conversations: number;
  /** Conversations idle long enough, in a compacted mode, with more than one version. */
  eligible: number;
  /** Compacted: a version standing alone above the latest, and the versions before it deleted. */
  compacted: number;
  /** Written to while being compacted: left whole for a later run. */
  leftActive: number;
  versionsDeleted: number;
  ms: number;
}

interface Span {
  min: number;
  max: number;
  mode: ConversationMode;
  at: Date;
}

/**
 * Compacts the conversations idle for `idleMs` (issue 17): each keeps its latest state — its
 * snapshot, session fields, current session's transcript (MAX_TRANSCRIPT lines) and last
 * RECENT_INPUTS inputs answered — as a version that stands alone, inserted above the latest
 * (so a turn that wrote first leaves the conversation whole, and a turn that comes after finds
 * its `_id` taken and reads again); its floor is linked to it by insert; then its older
 * versions are deleted by `_id`, one ordered command per batch, oldest first (see
 * `VersionStore.latest` for why that order keeps readers right). No delete by any other
 * field: on FerretDB v1 that scans and holds SQLite's only writer.
 *
 * Deduplication after it: a redelivered message is dropped when it is among the conversation's
 * last RECENT_INPUTS inputs (kept in the standing version's `recent`), or younger than `idleMs`
 * (its version is not compacted yet; the `answers` unique index still holds its key).
 */
export async function compactConversations(
  versions: VersionStore,
  options: CompactionOptions,
): Promise<CompactionReport> {
  const started = performance.now();
  const { spans, scanned } = await scanSpans(versions.states as unknown as Collection);
  const before = options.now.getTime() - options.idleMs;
  const due = [...spans].filter(
    ([, s]) => s.max > s.min && s.at.getTime() <= before && COMPACTED_MODES.includes(s.mode),
  );
  const report: CompactionReport = {
    versionsScanned: scanned,
    conversations: spans.size,
    eligible: due.length,
    compacted: 0,
    leftActive: 0,
    versionsDeleted: 0,
    ms: 0,
  };
  options.onProgress?.({ total: due.length, done: 0 });
  const size = options.batch ?? 250;
  const inserts = new GroupInserter(versions.states as unknown as Collection, size);
  const limit = pLimit(options.concurrency ?? 8);
  for (let start = 0; start < due.length; start += size) {
    const batch = due.slice(start, start + size);
    const done = await Promise.all(
      batch.map(([id, span]) => limit(() => standAlone(versions, inserts, id, span, options.now))),
    );
    const compacted = batch.filter((_, i) => done[i]);
    report.compacted += compacted.length;
    report.leftActive += batch.length - compacted.length;
    report.versionsDeleted += await deleteOldest(
      versions.states as unknown as Collection,
      compacted,
    );
    options.onProgress?.({ total: due.length, done: start + batch.length });
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** Each conversation's stored span of versions and its latest version's mode and time. */
async function scanSpans(
  states: Collection,
): Promise<{ spans: Map<string, Span>; scanned: number }> {
  const spans = new Map<string, Span>();
  let scanned = 0;
  const cursor = states.find(
    {},
    { projection: { conversationId: 1, version: 1, mode: 1, createdAt: 1 }, batchSize: 5_000 },
  );
  for await (const doc of cursor) {
    scanned++;
    const { conversationId, version, mode, createdAt } = doc as unknown as {
      conversationId: string;
      version: number;
      mode: ConversationMode;
      createdAt: Date;
    };
    const span = spans.get(conversationId);
    if (!span) spans.set(conversationId, { min: version, max: version, mode, at: createdAt });
    else {
      span.min = Math.min(span.min, version);
      if (version > span.max) Object.assign(span, { max: version, mode, at: createdAt });
    }
  }
  return { spans, scanned };
}

/**
 * Inserts the conversation's latest state as a version standing alone above it and links its
 * floor there: false when a turn wrote first (the scan's latest is latest no more).
 */
async function standAlone(
  versions: VersionStore,
  inserts: GroupInserter,
  conversationId: string,
  span: Span,
  now: Date,
): Promise<boolean> {
  const floor = await versions.floorOf(conversationId);
  const latest = await versions.latest(conversationId, span.max);
  if (!latest || latest.version !== span.max || floor === 0) return false;
  const standing = standingVersion(latest);
  if ((await inserts.insert(encodeState(standing))) === 'duplicate') return false;
  await versions.floors.link(conversationId, floor, standing.version, now);
  return true;
}

/**
 * The latest state as the next version, standing alone (no `stored` position: the encoder
 * writes its snapshot, fields, transcript and inputs whole). It answers an input of its own
 * (`compacted:`), appended to `recent` so that each key there still names its version.
 */
export function standingVersion(latest: ConversationState): ConversationState {
  const version = latest.version + 1;
  const answers = `compacted:${latest.conversationId}:${version}`;
  const { stored: _stored, ...state } = latest;
  return {
    ...state,
    _id: `${latest.conversationId}:${version}`,
    version,
    answers,
    recent: [...latest.recent, answers].slice(-RECENT_INPUTS),
    outbox: [],
    pendingOutbox: false,
    transcriptKept: 0,
    transcriptDepth: 0,
  };
}

/**
 * Deletes the compacted conversations' versions below their standing one by `_id`, in one
 * ordered command: each conversation's oldest first (FerretDB looks an `_id` equality up in
 * the index; `{ _id: { $in } }` would compare every document with every id).
 */
async function deleteOldest(
  states: Collection,
  compacted: readonly (readonly [string, Span])[],
): Promise<number> {
  const ids: string[] = [];
  for (const [id, span] of compacted)
    for (let v = span.min; v <= span.max; v++) ids.push(`${id}:${v}`);
  if (ids.length === 0) return 0;
  const result = await (states as unknown as Collection<{ _id: string }>).bulkWrite(
    ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
    { ordered: true },
  );
  return result.deletedCount;
}
