import { createServer, type Server } from 'node:http';
import { HttpJsonChannel } from '../channels/http-json/http-json-channel.ts';
import type { AppConfig } from './config.ts';
import { openDatabase, type Database } from './database/connect.ts';
import { createLogger, type Logger } from './logger.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { seedDemoData } from '../domain/seed/seed.ts';

/** A running atiende process. */
export interface App {
  readonly config: AppConfig;
  readonly database: Database;
  readonly runtime: Runtime;
  readonly logger: Logger;
  readonly server: Server;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts the database, the runtime (engine, scheduler) and the HTTP server: `/healthz`,
 * `/metrics` and the JSON chat channel `/api/chat`.
 */
export async function startApp(config: AppConfig, options: { port?: number } = {}): Promise<App> {
  const logger = createLogger(config.logLevel);
  const database = await openDatabase({
    uri: config.mongodbUri,
    dataDir: config.dataDir,
    log: (line) => logger.info(line),
  });
  logger.info({ embedded: database.embedded !== null }, 'database ready');

  let runtime: Runtime | null = null;
  const http = new HttpJsonChannel(
    (message) => runtime!.engine.handle(message),
    (error, conversationId) => logger.error({ err: error, conversationId }, 'chat request failed'),
  );
  runtime = await createRuntime({
    connection: database.connection,
    policy: config.policy,
    clock: config.clock,
    channels: [http],
    onError: (error) => logger.error({ err: error }, 'background task failed'),
  });
  if (config.seedDemo) logger.info(await seedDemoData(runtime.domain), 'demo data loaded');
  await runtime.start();
  const ready = runtime;

  const server = createServer((req, res) => {
    void (async () => {
      if (await http.serve(req, res, config.clock.now())) return;
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', now: config.clock.now().toISOString() }));
      } else if (req.url === '/metrics') {
        const s = ready.engine.stats;
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(
          [
            `atiende_turns_answered_total ${s.answered}`,
            `atiende_duplicates_dropped_total ${s.duplicates}`,
            `atiende_version_conflicts_total ${s.conflicts}`,
            `atiende_state_cache_misses_total ${s.cacheMisses}`,
            `atiende_replies_delivered_total ${s.delivered}`,
            `atiende_timers_fired_total ${ready.scheduler.fired}`,
            `atiende_cached_conversations ${ready.engine.cachedConversations}`,
            '',
          ].join('\n'),
        );
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found' }));
      }
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const port = options.port ?? config.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, config.host, resolve);
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  logger.info(
    { port: boundPort },
    `atiende listening: POST http://${config.host}:${boundPort}/api/chat`,
  );

  return {
    config,
    database,
    runtime: ready,
    logger,
    server,
    port: boundPort,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ready.stop();
      await database.close();
    },
  };
}
