import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import pLimit from 'p-limit';
import { GroupInserter } from '../../storage/index.ts';
import type { VersionStore } from '../engine/store/index.ts';
import { RECENT_INPUTS, type ConversationState } from '../engine/state.ts';
import { encodeState, type StoredVersion } from '../engine/state-codec.ts';
import { VersionGone } from '../engine/store/version-floor.ts';
import { readStoredSpan } from './stored-span.ts';
import type { ConversationMode } from '../engine/messages.ts';

/** The input a standing version answers begins with this (it answers none of the customer's). */
const COMPACTED_INPUT = 'compacted:';

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
  /** Compacted by an earlier run that died before its deletes were done: finished now. */
  finished: number;
  /** Written to while being compacted: left whole for a later run. */
  leftActive: number;
  versionsDeleted: number;
  ms: number;
  /**
   * Where the time went: the scan, the standing versions (reads, inserts, links), the deletes
   * (the last two overlap: a batch's deletes run while the next batch is read).
   */
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
 * field: on FerretDB v1 that scans and holds SQLite's only writer. A run killed part-way is
 * finished by the next: deletes it recorded and did not finish are done first, and a standing
 * version left without its deletes is linked and has them done.
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
    finished: 0,
    leftActive: 0,
    versionsDeleted: 0,
    ms: 0,
    phasesMs: { scan: Math.round(scanMs), standing: 0, deletes: 0 },
  };
  options.onProgress?.({ total: ids.length, done: 0 });
  const deletesStarted = performance.now();
  for (const record of await versions.floors.unfinished.find({}).toArray()) {
    report.versionsDeleted += await deleteOldest(versions, record.spans, options.now);
    await versions.floors.unfinished.deleteOne({ _id: record._id });
    report.finished += record.spans.length;
  }
  report.phasesMs.deletes += Math.round(performance.now() - deletesStarted);
  const size = options.batch ?? 250;
  const writes: Writes = {
    states: new GroupInserter(versions.states as unknown as Collection, size),
    links: new GroupInserter(versions.floors.links as unknown as Collection, size),
  };
  const limit = pLimit(options.concurrency ?? 8);
  // A batch's deletes (SQLite's one writer, little CPU here) run while the next batch is read
  // (CPU in both processes): the two phases overlap, and `ms` is less than their sum.
  let deleting: Promise<void> = Promise.resolve();
  for (let start = 0; start < ids.length; start += size) {
    const batch = ids.slice(start, start + size);
    const standingStarted = performance.now();
    const outcomes = await Promise.all(
      batch.map((id) => limit(() => standAlone(versions, writes, id, before, options.now))),
    );
    report.phasesMs.standing += Math.round(performance.now() - standingStarted);
    const spans: Span[] = [];
    for (const { kind, deletes } of outcomes) {
      if (deletes) spans.push(deletes);
      if (kind === 'finished') report.finished++;
      if (kind !== 'compacted' && kind !== 'active') continue;
      report.eligible++;
      if (kind === 'active') report.leftActive++;
      else report.compacted++;
    }
    await deleting;
    const done = start + batch.length;
    deleting = (async () => {
      const deletesStarted = performance.now();
      report.versionsDeleted += await deleteOldest(versions, spans, options.now);
      report.phasesMs.deletes += Math.round(performance.now() - deletesStarted);
      options.onProgress?.({ total: ids.length, done });
    })();
    // A failed delete is seen at the next `await deleting`, or below.
    deleting.catch(() => undefined);
  }
  await deleting;
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** The versions a compaction deletes: `from` up to `to` (excluded). */
interface Span {
  conversationId: string;
  from: number;
  to: number;
}

/** The group inserts a run shares among its conversations: standing versions, floor links. */
interface Writes {
  states: GroupInserter;
  links: GroupInserter;
}

/**
 * What a run does with one conversation: `kept` (not due: younger, with a person, or a single
 * version), `active` (a turn wrote first: left whole), `compacted`, or `finished` (an earlier
 * run died before its deletes were done: they are done now); `deletes`, the versions to delete.
 */
interface Outcome {
  kind: 'kept' | 'active' | 'compacted' | 'finished';
  deletes: Span | null;
}

/**
 * Inserts an idle conversation's latest state as a version standing alone above it and links
 * its floor there, or finishes what an earlier run left: the versions below a standing version
 * (a run killed between its insert and its deletes: issue 17), then links it if not yet.
 */
async function standAlone(
  versions: VersionStore,
  writes: Writes,
  conversationId: string,
  idleBefore: number,
  now: Date,
): Promise<Outcome> {
  const span = await readStoredSpan(versions, conversationId);
  if (!span) return { kind: 'kept', deletes: null };
  const tip = span.docs.get(span.version)!;
  if (span.version > span.floor && isStanding(tip)) {
    // A run died after inserting this version: link it (once: a link already there is
    // followed) and delete what is below it.
    await link(versions, writes, conversationId, span.floor, span.version, now);
    return { kind: 'finished', deletes: { conversationId, from: span.from, to: span.version } };
  }
  const kept = { kind: 'kept', deletes: null } as const;
  if (span.version === span.floor) return kept;
  if (tip.createdAt.getTime() > idleBefore || !COMPACTED_MODES.includes(tip.mode)) return kept;
  let latest: ConversationState;
  try {
    latest = await versions.stateAt(conversationId, span.version, span.floor, span.docs);
  } catch (error) {
    if (error instanceof VersionGone) return { kind: 'active', deletes: null };
    throw error;
  }
  const standing = standingVersion(latest);
  if ((await writes.states.insert(encodeState(standing))) === 'duplicate')
    return { kind: 'active', deletes: null };
  await link(versions, writes, conversationId, span.floor, standing.version, now);
  return { kind: 'compacted', deletes: { conversationId, from: span.from, to: standing.version } };
}

/** Whether a stored version is one compaction inserted (it answers an input of its own). */
const isStanding = (doc: StoredVersion) => doc.answers.startsWith(COMPACTED_INPUT);

/**
 * Links a conversation's floor to its standing version: one grouped insert for the usual case
 * (the floor's link free), the chain followed by `VersionFloors.link` when it is taken.
 */
async function link(
  versions: VersionStore,
  writes: Writes,
  conversationId: string,
  floor: number,
  to: number,
  at: Date,
): Promise<void> {
  const _id = `${conversationId}:${floor === 1 ? 0 : floor}`;
  if ((await writes.links.insert({ _id, to, at })) === 'inserted') return;
  await versions.floors.link(conversationId, floor, to, at);
}

/**
 * The latest state as the next version, standing alone (no `stored` position: the encoder
 * writes its snapshot, fields, transcript and inputs whole). It answers an input of its own
 * (`compacted:`), appended to `recent` so that each key there still names its version.
 */
export function standingVersion(latest: ConversationState): ConversationState {
  const version = latest.version + 1;
  const answers = `${COMPACTED_INPUT}${latest.conversationId}:${version}`;
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
 * the index; `{ _id: { $in } }` would compare every document with every id). The spans are
 * recorded first (`compaction_deletes`) and the record removed after: a run killed in between
 * leaves it for the next run, which does these deletes again (deleting a deleted `_id` is a
 * no-op) before anything else.
 */
async function deleteOldest(
  versions: VersionStore,
  spans: readonly Span[],
  at: Date,
): Promise<number> {
  const ids: string[] = [];
  for (const { conversationId, from, to } of spans)
    for (let v = from; v < to; v++) ids.push(`${conversationId}:${v}`);
  if (ids.length === 0) return 0;
  const record = { _id: randomUUID(), spans: [...spans], at };
  await versions.floors.unfinished.insertOne(record);
  const states = versions.states as unknown as Collection<{ _id: string }>;
  const result = await states.bulkWrite(
    ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
    { ordered: true },
  );
  await versions.floors.unfinished.deleteOne({ _id: record._id });
  return result.deletedCount;
}
