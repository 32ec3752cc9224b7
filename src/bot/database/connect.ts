import mongoose, { type Connection, type ConnectOptions } from 'mongoose';
// Before any connection: an operation must not hang on a connection that died under it.
import './driver-fixes.ts';
import {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
  type EmbeddedOptions,
} from './embedded-ferretdb.ts';

/** An open database connection, and the embedded server behind it when there is one. */
export interface Database {
  readonly connection: Connection;
  readonly uri: string;
  /** The embedded server and its supervisor's state; null on `MONGODB_URI`. */
  readonly embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

/**
 * The driver's limits, chosen so that a turn whose database does not answer fails in seconds
 * (and the customer's client resends it) instead of holding the conversation for 10-30 s, while
 * a healthy server under load never meets them.
 */
export const FAIL_FAST_OPTIONS = {
  // How long an operation waits for a server the driver knows to be down (killed, restarting,
  // unreachable) before it fails: the driver's default is 30 s. A healthy server is selected at
  // once however loaded it is (selection waits only while no server is known to be up), so this
  // costs a healthy run nothing. A server back within it (the supervisor's first restart takes
  // about a second) serves the operation after all. A read the server's death broke is retried
  // once, after a new selection: a turn fails within about twice this at worst.
  serverSelectionTimeoutMS: 2_000,
  // Mongoose queues a model's operations while the connection is down, and fails them after
  // 10 s (`bufferTimeoutMS`); the engine's stores, which use the driver directly, never wait
  // that way. Off: every operation meets the driver's limits above, the same for both.
  bufferCommands: false,
  // A server that hangs (stopped, overloaded, behind a dead network) refuses nothing: these
  // bound the wait for a reply (5 s is over 100 times a loaded turn's p99 of about 30 ms, and
  // more than a scan of a million documents takes on FerretDB's SQLite) and for a new
  // connection (loopback and LAN connect in milliseconds, a remote cluster's TLS in well
  // under a second). The driver's defaults are no limit and 30 s.
  socketTimeoutMS: 5_000,
  connectTimeoutMS: 5_000,
  // `maxTimeMS` is not set: a server's own time limit means nothing to a server that is dead or
  // hangs, and the socket timeout above bounds the rest.
} as const satisfies ConnectOptions;

/**
 * Connects to `MONGODB_URI` when given (MongoDB, Atlas, or any compatible server); otherwise
 * starts the embedded FerretDB with its data in `dataDir`, supervised (restarted if it dies).
 */
export async function openDatabase(
  options: {
    uri?: string | undefined;
    dataDir: string;
  } & EmbeddedOptions,
): Promise<Database> {
  const embedded = options.uri ? null : await startEmbeddedDatabase(options.dataDir, options);
  const uri = options.uri ?? embedded!.uri;
  const connection = mongoose.createConnection(uri, {
    ...FAIL_FAST_OPTIONS,
    maxPoolSize: 20,
    autoIndex: false,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
  return {
    connection,
    uri,
    embedded,
    async close() {
      await connection.close();
      await embedded?.stop();
    },
  };
}
