/** The database atiende opens for itself: a MongoDB server, or the embedded FerretDB. */
import type { Connection } from 'mongoose';
import { openDatabase, type Database } from '../bot/database/connect.ts';
import type { EmbeddedOptions } from '../bot/database/embedded-ferretdb.ts';
import type { SupervisorEvent } from '../bot/database/supervisor.ts';
import type { Logger } from './logger.ts';

/** Where atiende keeps its data. */
export type DatabaseOption =
  /** An open connection: the caller closes it. */
  | { connection: Connection }
  /**
   * A MongoDB server; without `uri`, the embedded FerretDB with its files in `dataDir`,
   * restarted if it dies (its supervisor's events are logged, and given to `onEvent` too).
   */
  | ({ uri?: string | undefined; dataDir: string } & EmbeddedOptions);

/** Opens the database atiende owns, the supervisor's events logged. */
export function openOwnDatabase(option: DatabaseOption, logger: Logger): Promise<Database> {
  const own = option as Exclude<DatabaseOption, { connection: Connection }>;
  return openDatabase({
    ...own,
    onEvent: (event) => {
      logDatabaseEvent(logger, event);
      own.onEvent?.(event);
    },
  });
}

/** A death of the embedded database is an error to look into; its return is good news. */
function logDatabaseEvent(logger: Logger, event: SupervisorEvent): void {
  switch (event.type) {
    case 'exited': {
      const { code, signal, stderr } = event.exit;
      const { pid, uptimeMs, attempt, restartInMs } = event;
      logger.error(
        { pid, code, signal, stderr, uptimeMs: Math.round(uptimeMs), attempt, restartInMs },
        'the embedded database exited: restarting it',
      );
      return;
    }
    case 'restartFailed':
      logger.error(
        { attempt: event.attempt, error: event.error, restartInMs: event.restartInMs },
        'restarting the embedded database failed',
      );
      return;
    case 'restarted':
      logger.warn(
        {
          pid: event.pid,
          attempt: event.attempt,
          downMs: Math.round(event.downMs),
          restarts: event.restarts,
        },
        'the embedded database is back',
      );
  }
}
