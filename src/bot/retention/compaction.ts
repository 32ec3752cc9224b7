import type { Collection } from 'mongodb';
import pLimit from 'p-limit';
import { GroupInserter } from '../../storage/index.ts';
import type { VersionStore } from '../engine/store/index.ts';
import { RECENT_INPUTS, type ConversationState } from '../engine/state.ts';
import { encodeState } from '../engine/state-codec.ts';
import { VersionGone } from '../engine/store/version-floor.ts';
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
  /** Conversations stored (found by the scan of the heads). */
  total: number;
  /** Of them, looked at so far. */
  done: number;
}

/** What a run did. */
export interface CompactionReport {
  /** Conversations stored (their heads scanned). */
  conversations: number;
  /** Conversations idle long enough, in a compacted mode, with more than one version. */
  eligible: number;
  /** Compacted: a version standing alone above the latest, and the versions before it deleted. */
  compacted: number;
  /** Written to while being compacted: left whole for a later run. */
  leftActive: number;
  versionsDeleted: number;
  ms: number;
  /** Where the time went: the scan, the standing versions (reads, inserts, links), the deletes. */
  phasesMs: { scan: number; standing: number; deletes: number };
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
  // The heads (one tiny document per conversation) are scanned, never the versions: FerretDB v1
  // decodes every document a scan meets, ~1 ms per version here.
  const ids = (await versions.heads.find({}, { projection: { _id: 1 } }).toArray()).map(
    (h) => h._id,
  );
  const scanMs = performance.now() - started;
  const before = options.now.getTime() - options.idleMs;
  const report: CompactionReport = {
    conversations: ids.length,
    eligible: 0,
    compacted: 0,
    leftActive: 0,
    versionsDeleted: 0,
    ms: 0,
    phasesMs: { scan: Math.round(scanMs), standing: 0, deletes: 0 },
  };
  options.onProgress?.({ total: ids.length, done: 0 });
  const size = options.batch ?? 250;
  const inserts = new GroupInserter(versions.states as unknown as Collection, size);
  const limit = pLimit(options.concurrency ?? 8);
  for (let start = 0; start < ids.length; start += size) {
    const batch = ids.slice(start, start + size);
    const standingStarted = performance.now();
    const outcomes = await Promise.all(
      batch.map((id) => limit(() => standAlone(versions, inserts, id, before, options.now))),
    );
    const compacted: Span[] = [];
    for (const outcome of outcomes) {
      if (outcome === 'kept') continue;
      report.eligible++;
      if (outcome === 'active') report.leftActive++;
      else compacted.push(outcome);
    }
    report.compacted += compacted.length;
    const deletesStarted = performance.now();
    report.phasesMs.standing += Math.round(deletesStarted - standingStarted);
    report.versionsDeleted += await deleteOldest(
      versions.states as unknown as Collection,
      compacted,
    );
    report.phasesMs.deletes += Math.round(performance.now() - deletesStarted);
    options.onProgress?.({ total: ids.length, done: start + batch.length });
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** The versions a compaction deletes: `from` up to the standing one (excluded). */
interface Span {
  conversationId: string;
  from: number;
  to: number;
}

/**
 * Inserts an idle conversation's latest state as a version standing alone above it and links
 * its floor there: the versions to delete; 'kept' when it is not due (younger, with a person,
 * or a single version), 'active' when a turn wrote first (the latest is latest no more).
 */
async function standAlone(
  versions: VersionStore,
  inserts: GroupInserter,
  conversationId: string,
  idleBefore: number,
  now: Date,
): Promise<Span | 'kept' | 'active'> {
  const span = await versions.span(conversationId);
  if (!span || span.version === span.floor) return 'kept';
  const tip = await versions.states.findOne(
    { _id: `${conversationId}:${span.version}` },
    { projection: { mode: 1, createdAt: 1 } },
  );
  if (!tip) return 'active';
  if (tip.createdAt.getTime() > idleBefore || !COMPACTED_MODES.includes(tip.mode)) return 'kept';
  let latest: ConversationState;
  try {
    latest = await versions.stateAt(conversationId, span.version, span.floor);
  } catch (error) {
    if (error instanceof VersionGone) return 'active';
    throw error;
  }
  const standing = standingVersion(latest);
  if ((await inserts.insert(encodeState(standing))) === 'duplicate') return 'active';
  await versions.floors.link(conversationId, span.floor, standing.version, now);
  return { conversationId, from: span.from, to: standing.version };
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
async function deleteOldest(states: Collection, compacted: readonly Span[]): Promise<number> {
  const ids: string[] = [];
  for (const { conversationId, from, to } of compacted)
    for (let v = from; v < to; v++) ids.push(`${conversationId}:${v}`);
  if (ids.length === 0) return 0;
  const result = await (states as unknown as Collection<{ _id: string }>).bulkWrite(
    ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
    { ordered: true },
  );
  return result.deletedCount;
}
