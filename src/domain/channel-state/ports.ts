/**
 * What a network's adapter keeps across restarts and processes, as ports the domain owns: the
 * network's session (a WhatsApp number's credentials and signal keys) and the one owner of a
 * network connection at a time (a lease). Channels have no database: they reach these through
 * `ChannelContext`; the stores are in this folder (the replies already sent are
 * `channel-marks/`).
 */

/**
 * A network session's key/value state, each value an opaque text the channel serialises
 * (Baileys' `BufferJSON` for WhatsApp). Read and written by key only (`_id`), never scanned.
 */
export interface SessionState {
  /** The values stored under `keys`; a missing key is absent from the map. */
  get(keys: readonly string[]): Promise<Map<string, string>>;
  /** Stores each value, or deletes the key when the value is null: one round trip. */
  set(entries: ReadonlyMap<string, string | null>): Promise<void>;
}

/** The session states of the networks, one per scope (`whatsapp:<number>`). */
export interface SessionStates {
  scope(name: string): SessionState;
}

/** What a process holding a lease is told; `holds()` is read before each action it guards. */
export interface HeldLease {
  /** Whether this process owns the name now (its term renewed and not seen superseded). */
  holds(): boolean;
  /** The term held, or null. */
  readonly term: number | null;
  /** Stops contending; a held term is released so another process takes over at once. */
  release(): Promise<void>;
}

/** Callbacks of a lease's holder: acquired (start serving) and lost (stop at once). */
export interface LeaseEvents {
  onAcquired(term: number): void | Promise<void>;
  onLost(term: number, reason: LeaseLossReason): void | Promise<void>;
}

/** Why a holder stepped down. */
export type LeaseLossReason = 'superseded' | 'notRenewed' | 'released';

/** One owner at a time across processes for a name (a WhatsApp number): decision 6. */
export interface Leases {
  /** Contends for `name` until released; `events` say when this process holds it. */
  keep(name: string, events: LeaseEvents): HeldLease;
}
