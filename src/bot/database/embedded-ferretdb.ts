import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DatabaseUnavailable } from '../../domain/errors.ts';

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

/** A running embedded server. */
export interface EmbeddedDatabase {
  readonly uri: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

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

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new DatabaseUnavailable(`The embedded database exited with code ${child.exitCode}.`);
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

/**
 * Starts FerretDB (SQLite backend) on a free loopback port with its data in `dataDir`.
 * The server exits when this process exits (it watches its standard input).
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  log: ProgressLog = stderrLog,
): Promise<EmbeddedDatabase> {
  const binary = await ensureFerretdbBinary(log);
  await mkdir(dataDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(binary, [`127.0.0.1:${port}`, resolve(dataDir)], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    try {
      await waitForPort(port, child, 15_000);
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt < 3) continue; // another process may have taken the port between probe and bind
      throw new DatabaseUnavailable(`${(error as Error).message}\n${stderr.trim()}`, {
        cause: error,
      });
    }
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    return {
      uri: `mongodb://127.0.0.1:${port}/atiende`,
      port,
      dataDir,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      },
    };
  }
}
