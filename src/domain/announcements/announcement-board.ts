import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollection, modelOn } from '../model-on.ts';
import {
  calendarFor,
  type Announcement,
  type AnnouncementKind,
  type BusinessCalendar,
  type PolicyConfig,
} from '../policy/index.ts';
import type { Country } from '../types.ts';

/** An announcement a supervisor wrote in the console (R003-3, R003-4), as stored. */
export interface PostedAnnouncement {
  id: string;
  kind: AnnouncementKind;
  /** Null: every country served. */
  country: Country | null;
  from: Date;
  to: Date;
  /** What customers are told (training, technical trouble, a campaign…), as written. */
  note: string;
  /** The supervisor's e-mail. */
  by: string;
  at: Date;
  /** When it was withdrawn (null: in force). */
  withdrawnAt: Date | null;
}

interface AnnouncementDocument extends Omit<PostedAnnouncement, 'id'> {
  _id: string;
}

const announcementSchema = new Schema<AnnouncementDocument>(
  {
    _id: String,
    kind: { type: String, required: true },
    country: { type: String, default: null },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    note: { type: String, default: '' },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    withdrawnAt: { type: Date, default: null },
  },
  { collection: 'announcements', versionKey: false },
);

/** The board's version: one document read by `_id`, bumped by every change. */
const versionSchema = new Schema<{ _id: string; n: number }>(
  { _id: String, n: Number },
  { collection: 'announcement_versions', versionKey: false },
);
const VERSION_ID = 'calendar';

/**
 * How long a read of the board counts as current for the paths that read it before use (real
 * ms; issue 17): every running process reads it each second (the runtime's refresh loop), so
 * those paths take it from memory and a change made in another process counts within this.
 */
export const BOARD_FRESH_MS = 1_500;

function toPosted(doc: AnnouncementDocument): PostedAnnouncement {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id, country: rest.country ?? null, withdrawnAt: rest.withdrawnAt ?? null };
}

/**
 * R003-3 / R003-4: extended hours and suspensions of the service announced by a supervisor,
 * joined to the policy's own in the business calendar of every process. Each process keeps the
 * board it read last and reads the board's version (one document by `_id`) each second (the
 * runtime's loop) and before it measures time for a customer or a case when its last read is
 * older than `BOARD_FRESH_MS` (`current`), so a change in one process counts in the others
 * within that; `calendarOf` serves the synchronous paths from the board as last read.
 */
export class AnnouncementBoard {
  readonly model: Model<AnnouncementDocument>;
  readonly versions: Model<{ _id: string; n: number }>;
  #version = -1;
  #policy: PolicyConfig;
  #posted: PostedAnnouncement[] = [];
  /** When the last read of the board started (real ms, `now`). */
  #readAt = Number.NEGATIVE_INFINITY;

  constructor(
    connection: Connection,
    private readonly base: PolicyConfig,
    /** Real time in ms, for the age of the last read (injected so tests can age it). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.model = modelOn(connection, 'Announcement', announcementSchema);
    this.versions = modelOn(connection, 'AnnouncementVersion', versionSchema);
    this.#policy = base;
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
    await ensureCollection(this.versions);
    await this.refresh();
  }

  /** The policy with the announcements in force as last read (what calendars are built on). */
  get policy(): PolicyConfig {
    return this.#policy;
  }

  /** The announcements as last read, withdrawn ones included, newest first. */
  get posted(): readonly PostedAnnouncement[] {
    return this.#posted;
  }

  /** The business calendar of a place with the announcements as last read. */
  calendarOf(country: string, timeZone?: string): BusinessCalendar {
    return calendarFor(this.#policy, country, timeZone);
  }

  /** Reads the board's version and, when it changed, the board: one read by `_id` otherwise. */
  async refresh(): Promise<void> {
    const started = this.now();
    const version = await this.versions.findById(VERSION_ID).lean();
    this.#readAt = Math.max(this.#readAt, started);
    const n = version?.n ?? 0;
    if (n === this.#version) return;
    const docs = await this.model.find({}).lean<AnnouncementDocument[]>();
    this.#posted = docs.map(toPosted).sort((a, b) => b.at.getTime() - a.at.getTime());
    const live: Announcement[] = this.#posted
      .filter((a) => a.withdrawnAt === null)
      .map((a) => ({
        kind: a.kind,
        ...(a.country ? { country: a.country } : {}),
        from: a.from.toISOString(),
        to: a.to.toISOString(),
        ...(a.note ? { note: a.note } : {}),
      }));
    // A new policy object: the calendar cache builds its calendars afresh for it.
    this.#policy = { ...this.base, announcements: [...this.base.announcements, ...live] };
    this.#version = n;
  }

  /**
   * The board as read within `BOARD_FRESH_MS`, from memory; read again when older (a process
   * without the refresh loop, or the loop late). A change made in this process counts at once.
   */
  async current(): Promise<void> {
    if (this.now() - this.#readAt < BOARD_FRESH_MS) return;
    await this.refresh();
  }

  /** Posts an announcement; in force in this process at once, in the others at their next use. */
  async post(value: Omit<PostedAnnouncement, 'id' | 'withdrawnAt'>): Promise<PostedAnnouncement> {
    const posted: PostedAnnouncement = { ...value, id: randomUUID(), withdrawnAt: null };
    const { id, ...rest } = posted;
    await this.model.create({ ...rest, _id: id });
    await this.#bump();
    return posted;
  }

  /** Withdraws an announcement (kept for the record); false when none was in force. */
  async withdraw(id: string, at: Date): Promise<boolean> {
    const changed = await this.model.updateOne(
      { _id: id, withdrawnAt: null },
      { $set: { withdrawnAt: at } },
    );
    if (changed.modifiedCount === 0) return false;
    await this.#bump();
    return true;
  }

  async #bump(): Promise<void> {
    await this.versions.updateOne({ _id: VERSION_ID }, { $inc: { n: 1 } }, { upsert: true });
    await this.refresh();
  }
}
