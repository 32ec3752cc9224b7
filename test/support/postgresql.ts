/**
 * A throwaway PostgreSQL cluster for tests of the embedded server's PostgreSQL backend: its
 * own data directory and socket in a temporary directory, on a free port, stopped and removed
 * after. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user (Debian's
 * package creates it; `nobody` otherwise).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The directory of PostgreSQL's server programs (`initdb`, `pg_ctl`), or null when none. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on PATH
  }
  for (const dir of (process.env.PATH ?? '').split(':')) candidates.push(dir);
  // Debian installs them off PATH, one directory per major version: the newest first.
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) candidates.push(join(debian, version, 'bin'));
  }
  return (
    candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ??
    null
  );
}

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running cluster: `url` names its database `ferretdb`. */
export interface TestPostgres {
  readonly url: string;
  /** Runs SQL through `psql` and returns its unaligned output. */
  psql(sql: string): string;
  stop(): void;
}

/** Initialises and starts a cluster with trust authentication on 127.0.0.1. */
export async function startTestPostgres(bin: string): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'atiende-pg-'));
  const asRoot = userInfo().uid === 0;
  const user = asRoot ? pickUser() : null;
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const run = (program: string, args: string[]) =>
    execFileSync(
      user ? 'runuser' : join(bin, program),
      user ? ['-u', user.name, '--', join(bin, program), ...args] : args,
      { encoding: 'utf8', cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  const psqlProgram = existsSync(join(bin, 'psql')) ? join(bin, 'psql') : 'psql';
  const psql = (sql: string, database = 'ferretdb') =>
    execFileSync(
      psqlProgram,
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-XAtq', '-c', sql],
      { encoding: 'utf8' },
    );
  psql('CREATE DATABASE ferretdb', 'postgres');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/ferretdb`,
    psql,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function pickUser(): { name: string; uid: number; gid: number } {
  const id = (flag: string, name: string) =>
    Number(
      execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
  for (const name of ['postgres', 'nobody']) {
    try {
      return { name, uid: id('-u', name), gid: id('-g', name) };
    } catch {
      // no such user
    }
  }
  throw new Error('PostgreSQL will not run as root, and there is no postgres or nobody user');
}
