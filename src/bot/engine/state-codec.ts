import { inflateRawSync } from 'node:zlib';
import { Binary } from 'mongodb';
import { sessionFieldsOf, sessionFieldsText, type SessionFields } from './session-fields.ts';
import { TRANSCRIPT_PAGE_VERSIONS, type ConversationState, type TranscriptEntry } from './state.ts';

/**
 * The blob's BSON subtypes (user-defined range). `VERSION_BODY`, since 2026-11-28: what the
 * version adds (see `encodeState`). `TEXT_BODY`, from 2026-11-25: the whole state but the
 * transcript lines shared with the version before, as UTF-8 JSON text; before that, the same
 * text deflated under the generic subtype 0. All three are read.
 */
const VERSION_BODY = 0x81;
const TEXT_BODY = 0x80;

/**
 * A conversation state as stored: the fields the database matches on stay plain, everything
 * else travels as one binary of JSON text. FerretDB v1 converts every field of a document to
 * and from its own JSON; one opaque binary costs it a base64 copy, the nested snapshot,
 * transcript and outbox would cost a walk of every value. Not compressed: deflating cost the
 * event loop more (a zlib context per call) than the bytes cost the database (measured: 745 →
 * 892 turns/s without it).
 */
export interface StoredState {
  _id: string;
  conversationId: string;
  version: number;
  answers: string;
  mode: ConversationState['mode'];
  pendingOutbox: boolean;
  createdAt: Date;
  body: Binary;
}

type Line = Omit<TranscriptEntry, 'at'> & { at: string };

/** The body's last line: what every version stores, its page, and where its other parts are. */
interface VersionBody {
  replyTo: string | null;
  /** The highest message sequence applied (see `ConversationState.lastSequence`). */
  lastSequence?: number | null;
  channel: ConversationState['channel'];
  channelUserId: string;
  language: ConversationState['language'];
  outbox: ConversationState['outbox'];
  /** The lines this version's turn added (all of them when `transcriptKept` is 0). */
  lines: Line[];
  transcriptKept: number;
  transcriptDepth: number;
  /** A page's lines (every TRANSCRIPT_PAGE_VERSIONS versions). */
  page?: Line[];
  /** The inputs the page's versions answered (pages). */
  answered?: string[];
  /** The inputs answered, the whole list (documents that stand alone). */
  recent?: string[];
  /** The version whose document stores the snapshot (absent: this one). */
  snapshotAt?: number;
  /** The version whose document stores the session fields (absent: this one). */
  fieldsAt?: number;
}

/** The body of the layout before 2026-11-28 (after its snapshot line). */
type LegacyBody = Pick<
  ConversationState,
  | 'recent'
  | 'channel'
  | 'channelUserId'
  | 'language'
  | 'accountNumber'
  | 'session'
  | 'flowInput'
  | 'outbox'
  | 'handoff'
> & {
  replyTo?: string | null;
  lastSequence?: number | null;
  sessionStartedAt: string;
  transcript: Line[];
  deadlines: (Omit<ConversationState['deadlines'][number], 'dueAt'> & { dueAt: string })[];
  transcriptKept?: number;
  transcriptDepth?: number;
};

/** The fields stored plain, for the database to match on. */
const PLAIN = [
  '_id',
  'conversationId',
  'version',
  'answers',
  'mode',
  'pendingOutbox',
  'createdAt',
] as const;
type Plain = Pick<ConversationState, (typeof PLAIN)[number]>;

function plainOf(from: Plain): Plain {
  return Object.fromEntries(PLAIN.map((key) => [key, from[key]])) as unknown as Plain;
}

const lineOut = (t: TranscriptEntry): Line => ({ ...t, at: t.at.toISOString() });
const lineIn = (t: Line): TranscriptEntry => ({ ...t, at: new Date(t.at) });

/** Whether a version's document holds a page (and the inputs its versions answered). */
export const isPageVersion = (version: number) => version % TRANSCRIPT_PAGE_VERSIONS === 0;

/**
 * Encodes a version for storage: the blob is three lines — the snapshot's JSON (already JSON:
 * not escaped into a string a second time), the session fields' JSON, what this version adds
 * as JSON (JSON text holds no raw newline) — the lines its turn added, its outbox, and at every
 * page version the page and the inputs its versions answered. A version placed by
 * `finishTurn` (`stored`)
 * stores its snapshot and session fields only when its turn changed them (else the line is
 * empty and the JSON names the version that stores them); one built otherwise stands alone
 * (whole transcript, snapshot, fields and `recent`).
 */
export function encodeState(state: ConversationState): StoredState {
  // A state whose page count is unknown was not placed by `finishTurn`: it stands alone.
  const placed = state.stored?.pageLines != null ? state.stored : undefined;
  const kept = placed ? state.transcriptKept : 0;
  const page = placed !== undefined && isPageVersion(state.version);
  const snapshotHere = !placed || placed.snapshotAt === state.version;
  const fieldsHere = !placed || placed.fieldsAt === state.version;
  const body: VersionBody = {
    replyTo: state.replyTo,
    lastSequence: state.lastSequence,
    channel: state.channel,
    channelUserId: state.channelUserId,
    language: state.language,
    outbox: state.outbox,
    lines: state.transcript.slice(kept).map(lineOut),
    transcriptKept: kept,
    transcriptDepth: placed ? state.transcriptDepth : 0,
  };
  if (page)
    body.page = state.transcript.slice(state.transcript.length - placed.pageLines!).map(lineOut);
  if (page) body.answered = state.recent.slice(-TRANSCRIPT_PAGE_VERSIONS);
  if (!placed) body.recent = state.recent;
  if (!snapshotHere) body.snapshotAt = placed.snapshotAt;
  if (!fieldsHere) body.fieldsAt = placed.fieldsAt;
  const snapshot = snapshotHere ? (state.snapshot ?? 'null') : '';
  const fields = fieldsHere ? (placed?.fields ?? sessionFieldsText(state)) : '';
  return {
    ...plainOf(state),
    body: new Binary(
      Buffer.from(`${snapshot}\n${fields}\n${JSON.stringify(body)}`, 'utf8'),
      VERSION_BODY,
    ),
  };
}

/** One stored document, decoded: what it holds, not yet joined with the documents before. */
export interface StoredVersion extends Plain {
  replyTo: string | null;
  lastSequence: number | null;
  channel: ConversationState['channel'];
  channelUserId: string;
  language: ConversationState['language'];
  outbox: ConversationState['outbox'];
  /** The lines the document stores: its turn's, or all of them when `transcriptKept` is 0. */
  lines: TranscriptEntry[];
  transcriptKept: number;
  transcriptDepth: number;
  /** The lines of the versions since the page before (back to where the transcript starts). */
  page: TranscriptEntry[] | null;
  /** The inputs answered, when the document stores them. */
  recent: string[] | null;
  /** The inputs a page's versions answered. */
  answered: string[] | null;
  /** The version whose document stores the snapshot. */
  snapshotAt: number;
  /** The snapshot, when this document stores it. */
  snapshot: { snapshot: string | null } | null;
  /** The version whose document stores the session fields. */
  fieldsAt: number;
  /** The session fields and their text, when this document stores them. */
  fields: { fields: SessionFields; text: string } | null;
  /** Stored in the layout before 2026-11-28 (a whole state but shared lines). */
  legacy: boolean;
}

/** Decodes one stored document, of any layout. */
export function decodeStored(stored: StoredState): StoredVersion {
  if (stored.body.sub_type !== VERSION_BODY) return decodeLegacy(stored);
  const text = Buffer.from(stored.body.buffer).toString('utf8');
  const first = text.indexOf('\n');
  const second = text.indexOf('\n', first + 1);
  const snapshot = text.slice(0, first);
  const fields = text.slice(first + 1, second);
  const body = JSON.parse(text.slice(second + 1)) as VersionBody;
  return {
    ...plainOf(stored),
    replyTo: body.replyTo,
    lastSequence: body.lastSequence ?? null,
    channel: body.channel,
    channelUserId: body.channelUserId,
    language: body.language,
    outbox: body.outbox,
    lines: body.lines.map(lineIn),
    transcriptKept: body.transcriptKept,
    transcriptDepth: body.transcriptDepth,
    page: body.page?.map(lineIn) ?? null,
    recent: body.recent ?? null,
    answered: body.answered ?? null,
    snapshotAt: body.snapshotAt ?? stored.version,
    snapshot:
      body.snapshotAt === undefined ? { snapshot: snapshot === 'null' ? null : snapshot } : null,
    fieldsAt: body.fieldsAt ?? stored.version,
    fields: body.fieldsAt === undefined ? { fields: sessionFieldsOf(fields), text: fields } : null,
    legacy: false,
  };
}

/** A document of the layout before 2026-11-28: the snapshot's line, then the rest as JSON. */
function decodeLegacy(stored: StoredState): StoredVersion {
  const text =
    stored.body.sub_type === TEXT_BODY
      ? Buffer.from(stored.body.buffer).toString('utf8')
      : inflateRawSync(stored.body.buffer).toString('utf8');
  const cut = text.indexOf('\n');
  const snapshot = text.slice(0, cut);
  const body = JSON.parse(text.slice(cut + 1)) as LegacyBody;
  const fields: SessionFields = {
    session: body.session,
    sessionStartedAt: new Date(body.sessionStartedAt),
    flowInput: body.flowInput,
    deadlines: body.deadlines.map((d) => ({ ...d, dueAt: new Date(d.dueAt) })),
    handoff: body.handoff,
    accountNumber: body.accountNumber,
  };
  return {
    ...plainOf(stored),
    // Versions stored before 2026-11-28 do not say which message they answered.
    replyTo: body.replyTo ?? null,
    lastSequence: body.lastSequence ?? null,
    channel: body.channel,
    channelUserId: body.channelUserId,
    language: body.language,
    outbox: body.outbox,
    lines: body.transcript.map(lineIn),
    // Versions stored before transcripts were split hold the whole transcript.
    transcriptKept: body.transcriptKept ?? 0,
    transcriptDepth: body.transcriptDepth ?? 0,
    page: null,
    recent: body.recent,
    answered: null,
    snapshotAt: stored.version,
    snapshot: { snapshot: snapshot === 'null' ? null : snapshot },
    fieldsAt: stored.version,
    fields: { fields, text: sessionFieldsText(fields) },
    legacy: true,
  };
}

/** A version's snapshot and session fields, and the versions whose documents store them. */
export interface Parts {
  snapshotAt: number;
  snapshot: string | null;
  fieldsAt: number;
  fields: SessionFields;
  fieldsText: string;
}

/**
 * A conversation state from its latest document and what the documents before it give: the
 * snapshot and session fields, the whole transcript and the `recent` inputs (see
 * `VersionStore`, which reads them).
 */
export function joinState(
  latest: StoredVersion,
  parts: Parts,
  transcript: TranscriptEntry[],
  recent: string[],
  pageLines: number | null,
): ConversationState {
  return {
    ...plainOf(latest),
    replyTo: latest.replyTo,
    lastSequence: latest.lastSequence,
    recent,
    channel: latest.channel,
    channelUserId: latest.channelUserId,
    language: latest.language,
    snapshot: parts.snapshot,
    ...parts.fields,
    outbox: latest.outbox,
    transcript,
    transcriptKept: latest.transcriptKept,
    transcriptDepth: latest.transcriptDepth,
    stored: {
      snapshotAt: parts.snapshotAt,
      fieldsAt: parts.fieldsAt,
      fields: parts.fieldsText,
      pageLines,
    },
  };
}
