import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DatabaseUnavailable } from '../../domain/errors.ts';
import { launchServer } from './server-process.ts';
import {
  DEFAULT_RESTART_POLICY,
  ServerSupervisor,
  type RestartPolicy,
  type SupervisorEvent,
  type SupervisorState,
} from './supervisor.ts';

const execFileAsync = promisify(execFile);

/** The project root: three levels above this file (src/bot/database). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE_DIR = join(PROJECT_ROOT, 'tools', 'ferretdb');

/** Progress and diagnostics of the embedded server; defaults to stderr. */
export type ProgressLog = (line: string) => void;
const stderrLog: ProgressLog = (line) => process.stderr.write(`${line}\n`);

/**
 * Builds our small Go wrapper around FerretDB's embeddable package once and caches the binary
 * under `.cache/ferretdb/<hash of its sources>`, so a change of version rebuilds it.
 */
export async function ensureFerretdbBinary(log: ProgressLog = stderrLog): Promise<string> {
  const hash = createHash('sha256');
  const sources = (await readdir(SOURCE_DIR)).filter((f) => f.endsWith('.go')).sort();
  for (const file of ['go.mod', 'go.sum', ...sources]) {
    hash.update(await readFile(join(SOURCE_DIR, file)));
  }
  const dir = join(PROJECT_ROOT, '.cache', 'ferretdb', hash.digest('hex').slice(0, 16));
  const binary = join(dir, 'ferretdb-embedded');
  if (existsSync(binary)) return binary;

  try {
    await execFileAsync('go', ['version']);
  } catch {
    throw new DatabaseUnavailable(
      'The embedded database needs Go (1.22 or newer) to build once: install it ' +
        '(Debian: apt-get install golang-go) or set MONGODB_URI to a MongoDB server.',
    );
  }
  await mkdir(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  log('atiende: building the embedded database (FerretDB v1.24, first run only, about a minute)…');
  const started = Date.now();
  try {
    await execFileAsync('go', ['build', '-mod=mod', '-o', partial, '.'], {
      cwd: SOURCE_DIR,
      env: { ...process.env, CGO_ENABLED: '0' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    await rm(partial, { force: true });
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new DatabaseUnavailable(
      `Building the embedded database failed (go build in tools/ferretdb):\n${stderr.trim()}\n` +
        'Check that the Go module proxy is reachable, or set MONGODB_URI to a MongoDB server.',
      { cause: error },
    );
  }
  await rename(partial, binary);
  log(`atiende: embedded database built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return binary;
}

/** A running embedded server, supervised: restarted on the same port if it dies. */
export interface EmbeddedDatabase {
  readonly uri: string;
  readonly port: number;
  readonly dataDir: string;
  /** Up, restarting (which attempt) or stopped, and how often it was restarted. */
  readonly state: SupervisorState;
  /** Stops it for good: it is not restarted after. */
  stop(): Promise<void>;
}

/** How the embedded server is run. */
export interface EmbeddedOptions {
  /** Progress and diagnostics (defaults to stderr). */
  log?: ProgressLog;
  /** What the supervisor did; without it, each event is a line on `log`. */
  onEvent?: (event: SupervisorEvent) => void;
  /** When a dead server is started again (defaults to production's). */
  restart?: Partial<RestartPolicy>;
}

/** How long a starting server may take to listen. */
const START_TIMEOUT_MS = 15_000;

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts FerretDB (SQLite backend) on a free loopback port with its data in `dataDir`, under a
 * supervisor that restarts it there if it dies. The server exits when this process exits (it
 * watches its standard input). `log` may also be given alone, as the second argument.
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  options: ProgressLog | EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const {
    log = stderrLog,
    onEvent,
    restart,
  } = typeof options === 'function' ? { log: options } : options;
  const binary = await ensureFerretdbBinary(log);
  await mkdir(dataDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const launch = () => launchServer(binary, port, dataDir, START_TIMEOUT_MS);
    let first;
    try {
      first = await launch();
    } catch (error) {
      if (attempt < 3) continue; // another process may have taken the port between probe and bind
      throw error;
    }
    const supervisor = new ServerSupervisor({
      first,
      port,
      launch,
      policy: { ...DEFAULT_RESTART_POLICY, ...restart },
      onEvent: onEvent ?? ((event) => log(describeEvent(event))),
    });
    return {
      uri: `mongodb://127.0.0.1:${port}/atiende`,
      port,
      dataDir,
      get state() {
        return supervisor.state;
      },
      stop: () => supervisor.stop(),
    };
  }
}

/** A supervisor event as one line of text, for a plain progress log. */
export function describeEvent(event: SupervisorEvent): string {
  switch (event.type) {
    case 'exited': {
      const how = event.exit.signal ? `signal ${event.exit.signal}` : `code ${event.exit.code}`;
      const said = event.exit.stderr.length
        ? `; its last words:\n${event.exit.stderr.join('\n')}`
        : '';
      return `atiende: the embedded database (pid ${event.pid}) exited with ${how} after ${Math.round(event.uptimeMs)} ms; restart attempt ${event.attempt} in ${event.restartInMs} ms${said}`;
    }
    case 'restartFailed':
      return `atiende: restarting the embedded database failed (attempt ${event.attempt}): ${event.error}; next attempt in ${event.restartInMs} ms`;
    case 'restarted':
      return `atiende: the embedded database is back (pid ${event.pid}, attempt ${event.attempt}) after ${Math.round(event.downMs)} ms down`;
  }
}
