/**
 * Backup and restore of the embedded database (issue 17). FerretDB's SQLite backend keeps one
 * file per database in the data directory (`<database>.sqlite`, with its `-wal` and `-shm`).
 *
 * A backup is SQLite's `VACUUM INTO` through the `sqlite3` shell, run while atiende serves:
 * one read transaction, so the copy is the database as of one committed write — a point
 * atiende could have crashed at, which is what it is built to restart from (every guarantee
 * is an insert, decision 0; the outbox journal resends what was stored and not sent). Not
 * chosen: the shell's `.backup` (SQLite's online backup API starts over whenever another
 * process writes, so under steady traffic it may never end) and an export through the driver
 * (FerretDB v1 has no snapshot reads: collections read one after another are not one point).
 * The copy is vacuumed: free pages (left by compaction) are not copied.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ConfigurationError } from '../domain/errors.ts';

const execFileAsync = promisify(execFile);
const SQLITE = '.sqlite';

/** The databases of a data directory: the names of its `*.sqlite` files. */
export async function databasesIn(dataDir: string): Promise<string[]> {
  if (!existsSync(dataDir)) return [];
  return (await readdir(dataDir)).filter((f) => f.endsWith(SQLITE)).map((f) => f.slice(0, -7));
}

/**
 * Copies every database of the embedded data directory into `outDir` (created; it must not
 * hold a backup already), consistent while atiende runs. Returns the databases copied.
 */
export async function backupEmbedded(dataDir: string, outDir: string): Promise<string[]> {
  const databases = await databasesIn(dataDir);
  if (databases.length === 0) throw new ConfigurationError(`no database in ${dataDir}`);
  await mkdir(outDir, { recursive: true });
  if ((await databasesIn(outDir)).length > 0)
    throw new ConfigurationError(`${outDir} already holds a backup`);
  for (const name of databases) {
    const target = resolve(outDir, `${name}${SQLITE}`);
    // The target path is ours (a data directory's file name); quotes are doubled for SQL.
    const sql = `VACUUM INTO '${target.replace(/'/g, "''")}'`;
    await runSqlite(join(dataDir, `${name}${SQLITE}`), sql);
  }
  return databases;
}

/**
 * Puts a backup in place as the data directory's databases, atiende stopped (refused while an
 * embedded server runs on it). Databases already there are refused unless `replace`, then
 * kept beside as `<name>.sqlite.before-restore-<time>`. Returns the databases restored.
 */
export async function restoreEmbedded(
  backupDir: string,
  dataDir: string,
  options: { replace?: boolean; now?: Date } = {},
): Promise<string[]> {
  const databases = await databasesIn(backupDir);
  if (databases.length === 0) throw new ConfigurationError(`no backup in ${backupDir}`);
  if (embeddedServerOn(dataDir))
    throw new ConfigurationError(`the embedded database is running on ${dataDir}: stop atiende`);
  await mkdir(dataDir, { recursive: true });
  const present = (await databasesIn(dataDir)).filter((d) => databases.includes(d));
  if (present.length > 0 && !options.replace)
    throw new ConfigurationError(
      `${dataDir} already holds ${present.join(', ')}: restore into another directory, or replace`,
    );
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  for (const name of databases) {
    const file = join(dataDir, `${name}${SQLITE}`);
    if (present.includes(name)) await rename(file, `${file}.before-restore-${stamp}`);
    // A WAL left beside would be replayed onto the restored file: it belongs to the old one.
    for (const suffix of ['-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
    await copyFile(join(backupDir, `${name}${SQLITE}`), `${file}.partial`);
    await rename(`${file}.partial`, file);
  }
  return databases;
}

/** Whether an embedded FerretDB runs on `dataDir` (Linux: its command line names the path). */
export function embeddedServerOn(dataDir: string): boolean {
  const path = resolve(dataDir);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return false; // not Linux: the README says to stop atiende first
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((a) => a.includes('ferretdb')) && cmdline.includes(path)) return true;
    } catch {
      // ended meanwhile
    }
  }
  return false;
}

async function runSqlite(file: string, sql: string): Promise<void> {
  try {
    await execFileAsync('sqlite3', [file, sql]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ConfigurationError(
        'the sqlite3 shell is needed for a backup of the embedded database (apt-get install sqlite3)',
      );
    throw error;
  }
}
