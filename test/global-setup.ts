// Starts one embedded FerretDB for the whole test run (or uses MONGODB_URI when set) and hands
// its address to the tests. Each test file then works in a database of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from '../src/bot/database/embedded-ferretdb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

let server: EmbeddedDatabase | null = null;
let dataDir: string | null = null;

export async function setup(project: TestProject): Promise<void> {
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    dataDir = await mkdtemp(join(tmpdir(), 'atiende-test-'));
    server = await startEmbeddedDatabase(dataDir);
    uri = server.uri;
  }
  project.provide('mongoUri', uri);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
