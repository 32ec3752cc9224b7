import { createServer } from 'node:net';
import { DatabaseUnavailable } from '../../domain/errors.ts';
import type { ExitReport, ServerProcess } from './server-process.ts';

/**
 * When the embedded server is restarted after it died: after `firstDelayMs`, doubling with each
 * death in a row up to `maxDelayMs`, so a server that cannot start (a full disk, a corrupt file)
 * is retried without a busy loop; a server that stayed up `stableAfterMs` starts again from
 * `firstDelayMs`.
 */
export interface RestartPolicy {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly stableAfterMs: number;
}

/** Production's: half a second first, up to 30 s, reset after a minute up. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 500,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
};

/** The wait before restart attempt `attempt` (1, 2, 3…): exponential, capped. */
export function restartDelay(policy: RestartPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** What the supervisor knows of its server, for `/healthz` and `/metrics`. */
export interface SupervisorState {
  /** `restarting`: it died and is being started again; `stopped`: atiende stopped it. */
  readonly status: 'up' | 'restarting' | 'stopped';
  /** Times it was started again after dying (since atiende started). */
  readonly restarts: number;
  /** While restarting: the attempt under way or waited for (1 after a death, 2 if that failed…). */
  readonly attempt: number;
  /** How its last unasked death went, if it died. */
  readonly lastExit: ExitReport | null;
  /** The process serving now (null while restarting or stopped). */
  readonly pid: number | null;
}

/** What the supervisor did, for the logs. */
export type SupervisorEvent =
  /** The server exited without being asked to; attempt `attempt` follows in `restartInMs`. */
  | {
      type: 'exited';
      exit: ExitReport;
      pid: number;
      uptimeMs: number;
      attempt: number;
      restartInMs: number;
    }
  /** A restart attempt failed (it did not listen); the next follows in `restartInMs`. */
  | { type: 'restartFailed'; attempt: number; error: string; restartInMs: number }
  /** The server is listening again, `downMs` after it died. */
  | { type: 'restarted'; attempt: number; pid: number; downMs: number; restarts: number };

/** How the supervisor starts a server on its port (and data directory). */
export type Launch = () => Promise<ServerProcess>;

/**
 * Keeps the embedded server running: when its process exits without being asked to (killed,
 * crashed), starts it again on the same port and data directory, with back-off; the driver
 * then reconnects to the same address by itself. `stop()` stops it for good.
 */
export class ServerSupervisor {
  readonly #launch: Launch;
  readonly #port: number;
  readonly #policy: RestartPolicy;
  readonly #onEvent: (event: SupervisorEvent) => void;
  #current: ServerProcess | null;
  #status: SupervisorState['status'] = 'up';
  #restarts = 0;
  /** Deaths (and failed restarts) in a row, without a stable run between them. */
  #attempt = 0;
  #lastExit: ExitReport | null = null;
  #downSince = 0;
  #timer: NodeJS.Timeout | null = null;
  #restarting: Promise<void> | null = null;

  constructor(options: {
    /** The server already running, started on `port`. */
    first: ServerProcess;
    port: number;
    launch: Launch;
    policy: RestartPolicy;
    onEvent: (event: SupervisorEvent) => void;
  }) {
    this.#launch = options.launch;
    this.#port = options.port;
    this.#policy = options.policy;
    this.#onEvent = options.onEvent;
    this.#current = options.first;
    this.#watch(options.first);
  }

  get state(): SupervisorState {
    return {
      status: this.#status,
      restarts: this.#restarts,
      attempt: this.#status === 'restarting' ? this.#attempt : 0,
      lastExit: this.#lastExit,
      pid: this.#current?.pid ?? null,
    };
  }

  /** Stops the server and any restart under way or waited for; nothing is restarted after. */
  async stop(): Promise<void> {
    this.#status = 'stopped';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#restarting;
    const current = this.#current;
    this.#current = null;
    await current?.stop();
  }

  /** Read through a getter: a check after an `await` must not be narrowed away. */
  get #stopped(): boolean {
    return this.#status === 'stopped';
  }

  #watch(server: ServerProcess): void {
    void server.exited.then((exit) => {
      if (this.#status === 'stopped' || this.#current !== server) return;
      this.#current = null;
      const uptimeMs = performance.now() - server.listeningAt;
      if (uptimeMs >= this.#policy.stableAfterMs) this.#attempt = 0;
      this.#attempt++;
      this.#status = 'restarting';
      this.#lastExit = exit;
      this.#downSince = performance.now();
      const restartInMs = restartDelay(this.#policy, this.#attempt);
      this.#onEvent({
        type: 'exited',
        exit,
        pid: server.pid,
        uptimeMs,
        attempt: this.#attempt,
        restartInMs,
      });
      this.#schedule(restartInMs);
    });
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#restarting = this.#restart().finally(() => (this.#restarting = null));
    }, delayMs);
  }

  async #restart(): Promise<void> {
    if (this.#status === 'stopped') return;
    let server: ServerProcess;
    try {
      // Another process may have taken the port meanwhile: the driver only knows this address.
      if (!(await isPortFree(this.#port)))
        throw new DatabaseUnavailable(`port ${this.#port} is taken by another process`);
      server = await this.#launch();
    } catch (error) {
      if (this.#stopped) return;
      this.#attempt++;
      const restartInMs = restartDelay(this.#policy, this.#attempt);
      this.#onEvent({
        type: 'restartFailed',
        attempt: this.#attempt - 1,
        error: error instanceof Error ? error.message : String(error),
        restartInMs,
      });
      this.#schedule(restartInMs);
      return;
    }
    if (this.#stopped) {
      await server.stop();
      return;
    }
    this.#current = server;
    this.#status = 'up';
    this.#restarts++;
    this.#watch(server);
    this.#onEvent({
      type: 'restarted',
      attempt: this.#attempt,
      pid: server.pid,
      downMs: performance.now() - this.#downSince,
      restarts: this.#restarts,
    });
  }
}

/** Whether nothing listens on the loopback `port` (we can bind it). */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}
