/**
 * Log-in tries to the agent console, counted in the database so that every process shares one
 * limit: with the limit kept in each process's memory, n processes gave an attacker n times the
 * guesses. A try takes a numbered slot of its key's window by insert (decision 0): slot `i` of
 * `<key>|<window>` exists once whichever process inserts it, so a window never holds more than
 * `limit` tries, however many processes and requests race; a try whose password was right
 * gives its slots back. A key is an e-mail or a client address, hashed (an attacker chooses
 * both and their length).
 *
 * Slots live one collection per hour (`login_tries_<hour>`), dropped whole once two hours old:
 * never a delete per document.
 */
import { createHash } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';
import type { Clock } from '../clock.ts';
import { isDuplicateKeyError } from '../errors.ts';

/** Tries one key may make in a window. */
export interface TryLimit {
  /** Tries per window (> 0). */
  readonly tries: number;
  /** The window's length in minutes; it divides an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60). */
  readonly minutes: number;
}

/** The limits per client address and per e-mail. */
export interface LoginTryLimits {
  readonly address: TryLimit;
  readonly email: TryLimit;
}

/**
 * 20 wrong tries from one address (an office of agents may share it) and 5 at one e-mail per
 * 5 minutes: 4 and 1 a minute on average, a handful of guesses against argon2id hashes; an
 * agent who mistypes twice is not held up.
 */
export const DEFAULT_LOGIN_TRY_LIMITS: LoginTryLimits = {
  address: { tries: 20, minutes: 5 },
  email: { tries: 5, minutes: 5 },
};

/** The slots a try holds: given back when the password was right (`release`). */
export interface TryTicket {
  readonly collection: string;
  readonly slots: readonly string[];
}

/** What a try is told: go on, or wait until the window of the key out of tries ends. */
export type TryOutcome =
  { allowed: true; ticket: TryTicket } | { allowed: false; retryAfterMs: number };

const PREFIX = 'login_tries_';
const HOUR_MS = 3_600_000;

interface SlotDocument {
  _id: string;
  at: Date;
}

/** Log-in tries per address and per e-mail, shared by every process through the database. */
export class LoginTries {
  readonly #connection: Connection;
  readonly #clock: Clock;
  readonly #limits: LoginTryLimits;
  /** The hour whose old collections this process last dropped. */
  #tidiedHour = -1;

  constructor(connection: Connection, clock: Clock, limits = DEFAULT_LOGIN_TRY_LIMITS) {
    for (const limit of [limits.address, limits.email]) {
      if (!(limit.tries > 0) || !(limit.minutes > 0) || 60 % limit.minutes !== 0)
        throw new RangeError(`a log-in try limit needs tries > 0 and minutes dividing 60`);
    }
    this.#connection = connection;
    this.#clock = clock;
    this.#limits = limits;
  }

  /**
   * Takes a try for this address and this e-mail, before the password is checked: refused
   * (with the wait) when either has no try left in its window. A refused try takes nothing.
   */
  async take(address: string, email: string): Promise<TryOutcome> {
    const now = this.#clock.now().getTime();
    await this.#tidy(now);
    const keys = [
      { key: `a:${address}`, limit: this.#limits.address },
      { key: `e:${email}`, limit: this.#limits.email },
    ];
    // Refused at once when either is already out of tries: no slot taken for nothing.
    const full = await Promise.all(keys.map(({ key, limit }) => this.#isFull(key, limit, now)));
    const waits = keys.map(({ limit }, i) => (full[i] ? untilWindowEnds(limit, now) : 0));
    if (waits.some((w) => w > 0)) return { allowed: false, retryAfterMs: Math.max(...waits) };
    const ticket = { collection: this.#slots(now).collectionName, slots: [] as string[] };
    for (const { key, limit } of keys) {
      const slot = await this.#takeSlot(key, limit, now);
      if (!slot) return { allowed: false, retryAfterMs: untilWindowEnds(limit, now) };
      ticket.slots.push(slot);
    }
    return { allowed: true, ticket };
  }

  /**
   * Gives a try's slots back once its password proved right: only wrong guesses use the limit,
   * so agents behind one office address all log in at the start of a shift. (The slots were
   * taken before the check so that racing guesses never outnumber the limit.)
   */
  async release(ticket: TryTicket): Promise<void> {
    const slots = this.#connection.collection<SlotDocument>(ticket.collection);
    for (const _id of ticket.slots) await slots.deleteOne({ _id });
  }

  /** Whether the window's last slot is taken (one read by `_id`). */
  async #isFull(key: string, limit: TryLimit, now: number): Promise<boolean> {
    const last = await this.#slots(now).findOne({ _id: slotId(key, limit, now, limit.tries - 1) });
    return last !== null;
  }

  /** Inserts the window's first free slot: its `_id`, or null when all are taken. */
  async #takeSlot(key: string, limit: TryLimit, now: number): Promise<string | null> {
    const slots = this.#slots(now);
    for (let i = 0; i < limit.tries; i++) {
      const _id = slotId(key, limit, now, i);
      try {
        await slots.insertOne({ _id, at: new Date(now) });
        return _id;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    return null;
  }

  #slots(now: number): Collection<SlotDocument> {
    return this.#connection.collection<SlotDocument>(`${PREFIX}${Math.floor(now / HOUR_MS)}`);
  }

  /** Once an hour per process: drops the hours over by two (another process may drop them too). */
  async #tidy(now: number): Promise<void> {
    const hour = Math.floor(now / HOUR_MS);
    if (hour === this.#tidiedHour) return;
    this.#tidiedHour = hour;
    const db = this.#connection.db;
    if (!db) return;
    const names = await db.listCollections({}, { nameOnly: true }).toArray();
    for (const { name } of names) {
      if (!name.startsWith(PREFIX)) continue;
      const old = Number(name.slice(PREFIX.length));
      if (Number.isSafeInteger(old) && old < hour - 1)
        await db
          .collection(name)
          .drop()
          .catch(() => undefined);
    }
  }
}

/** `<hash of the key>|<window start, minutes since the epoch>|<slot>`. */
function slotId(key: string, limit: TryLimit, now: number, slot: number): string {
  const window = Math.floor(now / (limit.minutes * 60_000)) * limit.minutes;
  const hashed = createHash('sha256').update(key).digest('base64url').slice(0, 32);
  return `${hashed}|${window}|${slot}`;
}

function untilWindowEnds(limit: TryLimit, now: number): number {
  const length = limit.minutes * 60_000;
  return Math.floor(now / length) * length + length - now;
}
