import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, inject } from 'vitest';

/** The test run's database server URI for the named database. */
export function databaseUri(name: string): string {
  const base = new URL(inject('mongoUri'));
  base.pathname = `/${name}`;
  return base.toString();
}

/** The test run's database server URI with a database name of its own. */
export function testDatabaseUri(): string {
  return databaseUri(`t_${randomUUID().replace(/-/g, '').slice(0, 16)}`);
}

/** Opens a connection to a fresh database, dropped and closed after the file's tests. */
export async function openTestConnection(): Promise<Connection> {
  const connection = mongoose.createConnection(testDatabaseUri(), {
    autoIndex: false,
    maxPoolSize: 50,
  });
  await connection.asPromise();
  afterAll(async () => {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  });
  return connection;
}
