// Measuring helpers of the benchmark: percentiles, memory sampling, database command counting.
import { readdirSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type {
  CommandFailedEvent,
  CommandStartedEvent,
  CommandSucceededEvent,
  MongoClient,
} from 'mongodb';

/** The `p`-th percentile (0–100) of sorted values, nearest-rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const mb = (bytes: number): number => round(bytes / (1024 * 1024), 1);

/** Samples this process's RSS (and optionally another process's) every `everyMs`. */
export class MemorySampler {
  peakRss = 0;
  peakOtherRss = 0;
  #timer: NodeJS.Timeout | null = null;
  #ticks = 0;

  constructor(
    private readonly everyMs = 50,
    private readonly otherPid: number | null = null,
  ) {}

  start(): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.everyMs);
    this.#timer.unref();
  }

  sample(): void {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    // /proc reads are cheap but not free: the other process every 10th sample (500 ms).
    if (this.otherPid !== null && this.#ticks++ % 10 === 0) {
      this.peakOtherRss = Math.max(this.peakOtherRss, procRss(this.otherPid) ?? 0);
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.sample();
  }
}

/** Commands of one kind (command and collection): how many, and their time in the database. */
export interface CommandKind {
  count: number;
  /** Sum of the driver's measured durations (send → reply), ms. */
  totalMs: number;
  maxMs: number;
}

/**
 * Counts every command the driver sends (command monitoring): the database round trips,
 * by command and collection, with the time each took, while `counting` is on.
 */
export class CommandCounter {
  counting = false;
  total = 0;
  readonly byKind = new Map<string, CommandKind>();
  readonly #started = new Map<number, string>();

  constructor(client: MongoClient) {
    client.on('commandStarted', (event: CommandStartedEvent) => {
      if (!this.counting) return;
      this.total++;
      // getMore names its collection in `collection` (its own value is the cursor id).
      const target =
        event.commandName === 'getMore'
          ? event.command.collection
          : event.command[event.commandName];
      const key = `${event.commandName} ${typeof target === 'string' ? target : ''}`.trim();
      const kind = this.byKind.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
      kind.count++;
      this.byKind.set(key, kind);
      this.#started.set(event.requestId, key);
    });
    const finished = (event: CommandSucceededEvent | CommandFailedEvent) => {
      const key = this.#started.get(event.requestId);
      if (key === undefined) return;
      this.#started.delete(event.requestId);
      const kind = this.byKind.get(key);
      if (!kind) return;
      kind.totalMs += event.duration;
      kind.maxMs = Math.max(kind.maxMs, event.duration);
    };
    client.on('commandSucceeded', finished);
    client.on('commandFailed', finished);
  }

  reset(): void {
    this.total = 0;
    this.byKind.clear();
    this.#started.clear();
  }

  /** Per kind, most frequent first: count, total and mean time (ms). */
  breakdown(): Record<string, { count: number; totalMs: number; meanMs: number; maxMs: number }> {
    return Object.fromEntries(
      [...this.byKind]
        .sort((a, b) => b[1].count - a[1].count)
        .map(([key, k]) => [
          key,
          {
            count: k.count,
            totalMs: Math.round(k.totalMs),
            meanMs: Math.round((k.totalMs / Math.max(1, k.count)) * 100) / 100,
            maxMs: Math.round(k.maxMs),
          },
        ]),
    );
  }
}

/** A garbage collector to call: `global.gc` under --expose-gc, else one enabled at run time. */
export function garbageCollector(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

/** The pid of the first process whose command line contains every one of `parts` (Linux). */
export function findProcess(...parts: string[]): number | null {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
        if (parts.every((p) => cmdline.includes(p))) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return null;
}

/** Resident set size of a process in bytes (Linux), or null. */
export function procRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used (Linux), or null. */
export function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based) → indexes 11, 12.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** This process's CPU seconds (user + system). */
export function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Runs `work(i)` for i in [0, count) with at most `limit` in flight. */
export async function pool(
  count: number,
  limit: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) await work(next++);
  });
  await Promise.all(runners);
}
