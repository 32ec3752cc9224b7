import { createServer, type Server } from 'node:http';
import { createDomain, type Domain } from '../domain/domain.ts';
import { seedDemoData } from '../domain/seed/seed.ts';
import type { AppConfig } from './config.ts';
import { openDatabase, type Database } from './database/connect.ts';
import { createLogger, type Logger } from './logger.ts';

/** A running atiende process. */
export interface App {
  readonly config: AppConfig;
  readonly database: Database;
  readonly domain: Domain;
  readonly logger: Logger;
  readonly server: Server | null;
  stop(): Promise<void>;
}

/** Starts the database, the domain and the HTTP server (health and metrics). */
export async function startApp(
  config: AppConfig,
  options: { http?: boolean; port?: number } = {},
): Promise<App> {
  const logger = createLogger(config.logLevel);
  const database = await openDatabase({
    uri: config.mongodbUri,
    dataDir: config.dataDir,
    log: (line) => logger.info(line),
  });
  logger.info(
    { embedded: database.embedded !== null, uri: database.embedded ? database.uri : 'MONGODB_URI' },
    'database ready',
  );
  const domain = createDomain(database.connection, config.policy, config.clock);
  await domain.init();
  if (config.seedDemo) {
    const counts = await seedDemoData(domain);
    logger.info(counts, 'demo data loaded');
  }

  let server: Server | null = null;
  if (options.http ?? true) {
    server = createServer((req, res) => {
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', now: config.clock.now().toISOString() }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
    });
    const port = options.port ?? Number(process.env.PORT ?? 3978);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    logger.info({ port }, 'http server listening');
  }

  return {
    config,
    database,
    domain,
    logger,
    server,
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await database.close();
    },
  };
}
