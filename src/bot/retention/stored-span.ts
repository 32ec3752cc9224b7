import type { VersionStore } from '../engine/store/index.ts';
import { TRANSCRIPT_PAGE_VERSIONS } from '../engine/state.ts';
import type { StoredVersion } from '../engine/state-codec.ts';

/** What compaction knows of one conversation's stored versions after reading them. */
export interface StoredSpan {
  /** Where its stored versions start: 1, or the standing version of its last compaction. */
  floor: number;
  /** The floor before `floor`: versions from it up to `floor` were deleted by compaction. */
  from: number;
  /** Its latest version. */
  version: number;
  /** The documents read, by version: the latest and those back to its page, for `stateAt`. */
  docs: Map<number, StoredVersion>;
}

/**
 * Reads where a conversation's stored versions start and end, keeping the documents it reads
 * (compaction, issue 17). Every read is a point read by `_id` (the only read FerretDB v1 does
 * without a scan), and each serves twice: the search for the latest version probes the page
 * versions (every TRANSCRIPT_PAGE_VERSIONS-th, doubling then halving) and then walks the
 * versions after the last page one by one — the very documents `VersionStore.stateAt` joins
 * the latest state from. So a 20-version conversation costs about 9 reads in all, where a
 * search over every version and a rebuild after it took 17. Null for nothing stored, or a
 * floor deleted under the read (another compaction: left for a later run).
 */
export async function readStoredSpan(
  versions: VersionStore,
  conversationId: string,
): Promise<StoredSpan | null> {
  const docs = new Map<number, StoredVersion>();
  const has = async (version: number) => {
    if (docs.has(version)) return true;
    const doc = await versions.read(conversationId, version);
    if (doc) docs.set(version, doc);
    return doc !== null;
  };
  let floor = 1;
  let from = 1;
  if (!(await has(1))) {
    ({ floor, from } = await versions.floors.linkedFloor(conversationId));
    if (floor === 0 || !(await has(floor))) return null;
  }
  const done = (version: number): StoredSpan => ({ floor, from, version, docs });
  // A compacted conversation mostly has nothing after its floor: one read says so.
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
