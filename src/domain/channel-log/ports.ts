/**
 * An ordered, numbered log per scope that a channel keeps beyond its process: what a network
 * without its own history shows (the activities of a Direct Line conversation, issue 15).
 * Numbers start at 0 and have no gaps; each entry is numbered by a unique key at insert
 * (decision 0), so two processes appending to one scope never take the same number.
 */
export interface ChannelLogs {
  /** Appends an entry; its number and its instant (strictly later than the scope's last). */
  append(scope: string, entry: Record<string, unknown>, now: Date): Promise<LoggedEntry>;
  /** The entries numbered `from` on, at most `limit`, in order. */
  read(scope: string, from: number, limit: number): Promise<LoggedEntry[]>;
  /** The number the scope's next entry will take (its count): where a new reader starts. */
  end(scope: string): Promise<number>;
}

/** One entry of a scope's log. */
export interface LoggedEntry {
  readonly number: number;
  readonly at: Date;
  readonly entry: Record<string, unknown>;
}
