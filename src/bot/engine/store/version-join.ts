import {
  MAX_TRANSCRIPT,
  RECENT_INPUTS,
  TRANSCRIPT_PAGE_VERSIONS,
  type ConversationState,
  type TranscriptEntry,
} from '../state.ts';
import { joinState, type Parts, type StoredVersion } from '../state-codec.ts';

/** Reads one stored version by number (throws `VersionGone` when it is not there). */
export type ReadVersion = (version: number) => Promise<StoredVersion>;

/**
 * A stored version joined with what the documents before it hold, in a bounded number of
 * reads by `_id`: the versions back to the last page (at most TRANSCRIPT_PAGE_VERSIONS, read
 * at once) give the newest lines and inputs answered; then one page per
 * TRANSCRIPT_PAGE_VERSIONS versions (four at once), until MAX_TRANSCRIPT lines or the start
 * of the stored transcript, and until RECENT_INPUTS inputs answered; and the documents that
 * store its snapshot and session fields, when older. Documents of the layout before
 * 2026-11-28 are joined as they were: each with the one before, back to a whole copy (at
 * most 16), and their `recent` inputs whole.
 */
export async function rebuildVersion(
  readVersion: ReadVersion,
  version: number,
  floor: number,
  known?: ReadonlyMap<number, StoredVersion>,
): Promise<ConversationState> {
  const from = Math.max(floor, version - (version % TRANSCRIPT_PAGE_VERSIONS));
  const read = new Map<number, StoredVersion>(known);
  const chain = await Promise.all(
    Array.from(
      { length: version - from + 1 },
      (_, i) => read.get(version - i) ?? readVersion(version - i),
    ),
  );
  for (const doc of chain) read.set(doc.version, doc);
  const get = async (v: number) => {
    let doc = read.get(v);
    if (!doc) read.set(v, (doc = await readVersion(v)));
    return doc;
  };
  const latest = chain[0]!;

  // The transcript, newest lines first: a page stands for its 16 versions.
  const chunks: TranscriptEntry[][] = [];
  let lines = 0;
  for (let cursor = version; lines < MAX_TRANSCRIPT;) {
    const doc = await get(cursor);
    const chunk = doc.page ?? doc.lines;
    chunks.push(chunk);
    lines += chunk.length;
    if (doc.page ? doc.transcriptDepth < TRANSCRIPT_PAGE_VERSIONS : doc.transcriptKept === 0) break;
    if (!doc.page) {
      cursor -= 1;
      continue;
    }
    cursor -= TRANSCRIPT_PAGE_VERSIONS;
    // The pages before are at known versions (back to where the stored transcript starts):
    // read a few at once rather than one round trip each.
    if (!read.has(cursor)) {
      const start = doc.version - doc.transcriptDepth;
      const next = [1, 2, 3, 4]
        .map((k) => doc.version - k * TRANSCRIPT_PAGE_VERSIONS)
        .filter((v) => v >= start && v >= 1);
      for (const page of await Promise.all(next.map((v) => readVersion(v))))
        read.set(page.version, page);
    }
  }
  const transcript = chunks.reverse().flat().slice(-MAX_TRANSCRIPT);
  const recent = await recentOf(version, floor, get);
  const parts = await partsOf(readVersion, latest, read);
  return joinState(latest, parts, transcript, recent, pageLinesOf(chain, transcript.length));
}

/** A version's snapshot and session fields: in its own document, or in those it names. */
export async function partsOf(
  readVersion: ReadVersion,
  doc: StoredVersion,
  read: ReadonlyMap<number, StoredVersion>,
): Promise<Parts> {
  const holder = async (version: number) => read.get(version) ?? (await readVersion(version));
  const { snapshot } = await holder(doc.snapshotAt);
  const { fields } = await holder(doc.fieldsAt);
  if (!snapshot || !fields) throw new Error(`${doc._id}: a version it names stores nothing`);
  return {
    snapshotAt: doc.snapshotAt,
    snapshot: snapshot.snapshot,
    fieldsAt: doc.fieldsAt,
    fields: fields.fields,
    fieldsText: fields.text,
  };
}

/**
 * The inputs a version and those before it answered, the last RECENT_INPUTS: the versions' own
 * back to a page, then the pages' (16 each), back to a document that stores the whole list
 * (of the older layout, or standing alone: the floor of a compacted conversation) or to the
 * first version. A page reaching below the floor gives way to the floor's whole list there.
 */
async function recentOf(
  version: number,
  floor: number,
  get: (version: number) => Promise<StoredVersion>,
): Promise<string[]> {
  const newestFirst: string[] = [];
  for (let cursor = version; cursor >= floor && newestFirst.length < RECENT_INPUTS;) {
    const doc = await get(cursor);
    const keys = doc.recent ?? doc.answered ?? [doc.answers];
    for (let i = keys.length - 1; i >= 0; i--) newestFirst.push(keys[i]!);
    if (doc.recent) break;
    const next = cursor - (doc.answered ? TRANSCRIPT_PAGE_VERSIONS : 1);
    if (next < floor && floor > 1) {
      // The page's oldest keys, of the floor and the versions before it, are in its list.
      newestFirst.length -= floor - next;
      cursor = floor;
    } else cursor = next;
  }
  return newestFirst.slice(0, RECENT_INPUTS).reverse();
}

/**
 * The lines the session added since the last page, for the next version's page: the lines of
 * the versions after it (`chain`: newest first, back to the page), back to where the stored
 * transcript starts, or the page's own when the latest is a page version; null when one of
 * them is of the older layout (the next version then starts the stored transcript).
 */
function pageLinesOf(chain: readonly StoredVersion[], transcriptLength: number): number | null {
  let sum = 0;
  for (const [i, doc] of chain.entries()) {
    if (doc.legacy) return null;
    // A page version counts the lines of its page; the versions after one, theirs.
    if (doc.page) return i === 0 ? Math.min(transcriptLength, doc.page.length) : sum;
    sum += doc.lines.length;
    if (doc.transcriptKept === 0) break;
  }
  return Math.min(transcriptLength, sum);
}
