import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { DatabaseUnavailable } from '../../domain/errors.ts';

/** How a server process ended, with the last lines it wrote to stderr (why, when it says). */
export interface ExitReport {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: readonly string[];
}

/** One embedded FerretDB process, listening. */
export interface ServerProcess {
  readonly pid: number;
  /** When it began to listen (`performance.now()`): how long it stayed up. */
  readonly listeningAt: number;
  /** Settles once it has exited and its stderr is read to the end. */
  readonly exited: Promise<ExitReport>;
  /** Asks it to stop (SIGTERM, then SIGKILL after 5 s) and waits until it has. */
  stop(): Promise<void>;
}

/** stderr kept for an exit report: enough for FerretDB's last few log lines. */
const STDERR_KEPT = 4_000;
/** Lines of stderr an exit report gives, each cut to `STDERR_LINE_CHARS`. */
const STDERR_LINES = 8;
const STDERR_LINE_CHARS = 400;
/** How long a stopped server has to exit cleanly before it is killed. */
const STOP_GRACE_MS = 5_000;

/**
 * Starts the embedded server binary on `127.0.0.1:port` with its data in `dataDir`, and resolves
 * once it accepts connections. Refused with `DatabaseUnavailable` (its stderr included) when it
 * exits first or does not listen within `timeoutMs`; the process is then killed.
 * The server exits when this process exits (it watches its standard input).
 */
export async function launchServer(
  binary: string,
  port: number,
  dataDir: string,
  timeoutMs: number,
): Promise<ServerProcess> {
  const child = spawn(binary, [`127.0.0.1:${port}`, resolve(dataDir)], {
    stdio: ['pipe', 'ignore', 'pipe'],
    // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, and
    // the database must outlive atiende's clean stop (which stops it last). It cannot be left
    // behind: it exits when its standard input, our pipe, closes.
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT);
  });
  const lastLines = () =>
    stderr
      .trim()
      .split('\n')
      .filter(Boolean)
      .slice(-STDERR_LINES)
      .map((line) => line.slice(0, STDERR_LINE_CHARS));
  const exited = new Promise<ExitReport>((done) => {
    // 'close', not 'exit': stderr is read to its end by then.
    child.once('close', (code, signal) => done({ code, signal, stderr: lastLines() }));
  });
  // A binary that cannot be spawned (removed from the cache): reported by 'close' as well.
  child.once('error', () => undefined);
  child.stdin?.on('error', () => undefined); // the server died with its pipe open

  try {
    await waitForPort(port, child, timeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    const said = lastLines().join('\n');
    throw new DatabaseUnavailable(`${(error as Error).message}${said ? `\n${said}` : ''}`, {
      cause: error,
    });
  }
  return {
    pid: child.pid!,
    listeningAt: performance.now(),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      const how = child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
      throw new DatabaseUnavailable(`The embedded database exited with ${how}.`);
    }
    const open = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        done(true);
      });
      socket.on('error', () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new DatabaseUnavailable(`The embedded database did not listen on port ${port} in time.`);
}
