import mongoose, { type Connection } from 'mongoose';
import {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
  type ProgressLog,
} from './embedded-ferretdb.ts';

/** An open database connection, and the embedded server behind it when there is one. */
export interface Database {
  readonly connection: Connection;
  readonly uri: string;
  readonly embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

/**
 * Connects to `MONGODB_URI` when given (MongoDB, Atlas, or any compatible server); otherwise
 * starts the embedded FerretDB with its data in `dataDir`.
 */
export async function openDatabase(options: {
  uri?: string | undefined;
  dataDir: string;
  log?: ProgressLog;
}): Promise<Database> {
  const embedded = options.uri ? null : await startEmbeddedDatabase(options.dataDir, options.log);
  const uri = options.uri ?? embedded!.uri;
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 20,
    autoIndex: false,
  });
  try {
    await connection.asPromise();
  } catch (error) {
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
