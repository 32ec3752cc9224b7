import type { VersionStore } from '../engine/store/index.ts';
import { isStub, type MovedStub } from '../engine/store/generations.ts';
import { TRANSCRIPT_PAGE_VERSIONS } from '../engine/state.ts';
import type { StoredVersion } from '../engine/state-codec.ts';

/** What compaction knows of one conversation's versions in one generation after reading them. */
export interface StoredSpan {
  /** Its latest version there (a move's stub when one was met at the end). */
  version: number;
  /** The stub at `version`, when a move claimed it (and died, or raced this read). */
  stub: MovedStub | null;
  /** The documents read, by version: the latest and those back to its page, for `stateAt`. */
  docs: Map<number, StoredVersion>;
}

/**
 * Reads where a conversation's versions in `generation` end, from its `floor` there, keeping
 * the documents it reads (compaction, issue 17). Every read is a point read by `_id` (the only
 * read FerretDB v1 does without a scan), and each serves twice: the search for the latest
 * version probes the page versions (every TRANSCRIPT_PAGE_VERSIONS-th, doubling then halving)
 * and then walks the versions after the last page one by one — the very documents
 * `VersionStore.stateAt` joins the latest state from. So a 20-version conversation costs about
 * 8 reads in all. Null when the floor is not there (nothing stored, or a floor deleted under
 * the read by compaction of the older layout: left for a later run).
 */
export async function readStoredSpan(
  versions: VersionStore,
  generation: number,
  conversationId: string,
  floor: number,
): Promise<StoredSpan | null> {
  const docs = new Map<number, StoredVersion>();
  let stub: MovedStub | null = null;
  const has = async (version: number) => {
    if (docs.has(version) || stub?.version === version) return true;
    const doc = await versions.readIn(generation, conversationId, version);
    if (doc && isStub(doc)) stub = doc;
    else if (doc) docs.set(version, doc);
    return doc !== null;
  };
  if (!(await has(floor))) return null;
  const done = (version: number): StoredSpan => ({ version, stub, docs });
  // A moved conversation mostly has nothing after its floor: one read says so.
  if (floor > 1 && !(await has(floor + 1))) return done(floor);

  const P = TRANSCRIPT_PAGE_VERSIONS;
  let low = floor; // the highest version known to exist
  let high = Infinity; // the lowest page version known not to
  let step = P;
  for (let page = (Math.floor(floor / P) + 1) * P; ; page = low + step, step *= 2) {
    if (!(await has(page))) {
      high = page;
      break;
    }
    low = page;
  }
  while (high - low > P) {
    const middle = low + Math.max(1, Math.floor((high - low) / P / 2)) * P;
    if (await has(middle)) low = middle;
    else high = middle;
  }
  for (let next = low + 1; next < high && (await has(next)); next++) low = next;
  return done(low);
}
