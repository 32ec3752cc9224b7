import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Connection } from 'mongoose';
import type { EngineOptions } from '../bot/engine/engine.ts';
import type { ConversationError } from '../bot/engine/errors.ts';
import type { ChannelPort } from '../bot/engine/messages.ts';
import type { Database } from '../bot/database/connect.ts';
import { openOwnDatabase, type DatabaseOption } from './own-database.ts';
import type { EmbeddedDatabase } from '../bot/database/embedded-ferretdb.ts';
import type { AgentDesk } from '../bot/agent-desk/index.ts';
import type { DemoCode } from '../bot/flow-services.ts';
import type { FollowUpSettings } from '../bot/case-follow-up.ts';
import { surveyLinks } from '../bot/mail/survey-link.ts';
import type { SurveyLinkConfig } from './config-follow-up.ts';
import { surveyRoutes } from './survey-routes.ts';
import { createSmtpMailer } from '../bot/mail/smtp-mailer.ts';
import { createRuntime, type Runtime, type RuntimeMailOptions } from '../bot/runtime.ts';
import { CompactionSchedule, type RetentionSettings } from '../bot/retention/index.ts';
import type {
  ChannelAdapter,
  ChannelSettings,
  HandleInbound,
} from '../channels/channel-adapter.ts';
import { CHANNELS, type ChannelAdapterOf } from '../channels/registry.ts';
import type { LeaseTimings } from '../domain/channel-state/index.ts';
import type { Clock } from '../domain/clock.ts';
import { ConfigurationError } from '../domain/errors.ts';
import type { PolicyConfig } from '../domain/policy/index.ts';
import { seedDemoData } from '../domain/seed/seed.ts';
import { TallyCatchUpSchedule } from '../domain/reports/index.ts';
import type { ChannelKind } from '../domain/types.ts';
import type { AppConfig } from './config.ts';
import {
  addDemoAgent,
  consoleParts,
  consoleRoutes,
  type AgentConsoleParts,
} from './agent-console/console-parts.ts';
import { lateChannelContext } from './channel-context.ts';
import { checkDatabase, withChannels } from './health.ts';
import type { HttpServerLimits } from './http-server.ts';
import { stopInOrder } from './graceful-stop.ts';
import { InFlight } from './in-flight.ts';
import { guardInbound, type InboundGuard } from './inbound-guard.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import type { RateLimits } from './rate-limit.ts';

export type { DatabaseOption } from './own-database.ts';

/** What to assemble. */
export interface AtiendeOptions {
  database: DatabaseOption;
  policy: PolicyConfig;
  clock: Clock;
  /**
   * The networks served: a name builds its adapter from the registry; a port given as it is
   * (a test's or the benchmark's instrumented one) serves its network instead.
   */
  channels: readonly (ChannelKind | ChannelPort)[];
  /** Load the demo customers before serving. */
  seedDemo?: boolean;
  /** Serve HTTP (health, metrics, the channels' routes) on this address once started. */
  http?: { host: string; port: number; limits?: Partial<HttpServerLimits> };
  /**
   * Per-user and per-address limits on every channel's messages. Without them there are none:
   * tests and the benchmark drive the engine at full speed; `npm start` and the terminal chat
   * pass the configured ones.
   */
  rateLimits?: RateLimits;
  /** The channels' own settings (the JSON channel's API key, callback, allowed origins). */
  channelSettings?: ChannelSettings;
  /** How the lease of a network connection is kept (tests shorten it); real time always. */
  leaseTimings?: Partial<LeaseTimings>;
  /** Defaults to a silent logger. */
  logger?: Logger;
  /** Node's own metrics (CPU, memory, event loop) on `/metrics` too. */
  processMetrics?: boolean;
  /** Engine and housekeeping settings (defaults are production's). */
  /** Issue 16: the visit reminder's and the unanswered confirmation's waits. */
  followUp?: FollowUpSettings;
  /** Issue 16: the survey answered from its mail (`/survey/…`, signed links). */
  surveyLink?: SurveyLinkConfig | null;
  engine?: {
    idleMs?: number;
    schedulerPollMs?: number;
    housekeepingMs?: number;
    recoveryGraceMs?: number;
    onHandoff?: EngineOptions['onHandoff'];
  };
  /** A background task failed (scheduler, housekeeping); defaults to logging it. */
  onError?: (error: unknown) => void;
  /**
   * E-mail (issue 12): a mailer sends the outbox (account codes, notifications); without one
   * mails are kept, and account codes are shown as a demo (`demoCodes`, logged as such: never
   * in production) or cannot be sent at all (the default).
   */
  mail?: RuntimeMailOptions;
  /**
   * The agent console (`/agent`, issue 15), served with HTTP. `demoAgent`: on the embedded demo
   * defaults only, a supervisor `demo@atiende.local` with a new password each start, printed.
   */
  agentConsole?: {
    demoAgent?: boolean;
    /** How often consoles hear what other processes did (ms; default 1 s). */
    eventPollMs?: number;
  };
  /** Compaction of idle conversations on a schedule (issue 17); none without it. */
  retention?: RetentionSettings;
}

/** An assembled atiende: database, domain, engine, scheduler, channels and HTTP server. */
export interface Atiende {
  readonly runtime: Runtime;
  readonly connection: Connection;
  /** The embedded database server and its supervisor's state (null on a MongoDB server). */
  readonly embeddedDatabase: EmbeddedDatabase | null;
  readonly logger: Logger;
  /** This app's Prometheus registry. */
  readonly metrics: ReturnType<typeof createMetrics>['registry'];
  /** What channels call: the engine's `handle` behind the rate limits, timed. */
  readonly handle: HandleInbound;
  /** The agent console's access and desk (issue 15). */
  readonly agents: AgentConsoleParts;
  /** The HTTP server (null without `http`); listening once started. */
  readonly http: FastifyInstance | null;
  /** The port HTTP listens on once started (the one chosen when asked for port 0). */
  readonly port: number | null;
  /** The adapter built from the registry for `kind`; refused when it is not enabled. */
  channel<K extends ChannelKind>(kind: K): ChannelAdapterOf<K>;
  /** Delivery recovery, scheduler and housekeeping, channels, then HTTP. */
  start(): Promise<void>;
  /**
   * Stops cleanly (issue 17): no new input, the turns in flight finished, channels released,
   * journals flushed, then the database it opened closed (see `stopInOrder`).
   */
  stop(): Promise<void>;
}

/**
 * Assembles atiende without starting it: opens the database (or takes the connection given),
 * builds domain, engine and scheduler, the enabled channels from the registry, metrics and the
 * HTTP server, and loads the demo data when asked. Tests that drive the scheduler by hand use
 * it as it is; `startAtiende` also starts it.
 */
export async function assembleAtiende(options: AtiendeOptions): Promise<Atiende> {
  const logger = options.logger ?? createLogger('silent');
  const given = 'connection' in options.database ? options.database.connection : null;
  const database = given ? null : await openOwnDatabase(options.database, logger);
  if (database) logger.info({ embedded: database.embedded !== null }, 'database ready');
  const connection = given ?? database!.connection;
  try {
    return await assembleOn(connection, database, options, logger);
  } catch (error) {
    await database?.close().catch(() => undefined);
    throw error;
  }
}

/** Assembles atiende and starts it: what `npm start` and the terminal chat run. */
export async function startAtiende(options: AtiendeOptions): Promise<Atiende> {
  const atiende = await assembleAtiende(options);
  try {
    await atiende.start();
  } catch (error) {
    await atiende.stop().catch(() => undefined);
    throw error;
  }
  return atiende;
}

async function assembleOn(
  connection: Connection,
  database: Database | null,
  options: AtiendeOptions,
  logger: Logger,
): Promise<Atiende> {
  const embedded = database?.embedded ?? null;
  // Channels are built before the engine they are wired to: their context reaches it late.
  let guard: InboundGuard | null = null;
  let late: Runtime | null = null;
  const { context, stores } = lateChannelContext(connection, options, logger, {
    runtime: () => late,
    guard: () => guard,
  });
  const built = new Map<ChannelKind, ChannelAdapter>();
  const ports = options.channels.map((channel) => {
    if (typeof channel !== 'string') return channel;
    const adapter = CHANNELS[channel](context);
    // The registry is typed by kind; a factory that builds another network's adapter is a bug.
    if (adapter.kind !== channel)
      throw new ConfigurationError(`the registry built a ${adapter.kind} adapter for ${channel}`);
    built.set(channel, adapter);
    return adapter;
  });
  const mail = options.mail ?? {};
  // The desk is built on the engine: hand-off notices reach it once both exist.
  let desk: AgentDesk | null = null;
  const onHandoff = options.engine?.onHandoff;
  const runtime = await createRuntime({
    connection,
    policy: options.policy,
    clock: options.clock,
    channels: ports,
    log: logger,
    ...options.engine,
    ...(options.followUp ? { followUp: options.followUp } : {}),
    onHandoff: (notice) => {
      onHandoff?.(notice);
      desk?.onHandoff(notice);
    },
    mail: {
      ...mail,
      ...(options.surveyLink
        ? { surveyLinks: surveyLinks(options.surveyLink.publicUrl, options.surveyLink.secret()) }
        : {}),
      // Only on the demo defaults without a mail server: said loudly, and never in production.
      onDemoCode: (code: DemoCode) => {
        logger.warn(
          { demo: true, conversationId: code.conversationId, to: code.maskedTo, code: code.code },
          `DEMO ONLY, no SMTP_URL: account code ${code.code} for ${code.accountNumber} (it would go to ${code.maskedTo})`,
        );
        mail.onDemoCode?.(code);
      },
    },
    onError:
      options.onError ??
      ((error) =>
        logger.error(
          { err: error, conversationId: (error as Partial<ConversationError>).conversationId },
          'background task failed',
        )),
  });
  late = runtime;
  const agents = await consoleParts(connection, runtime, {
    clock: options.clock,
    logs: context.logs,
    eventPollMs: options.agentConsole?.eventPollMs,
    closingMail: runtime.caseNotices,
    logger,
  });
  desk = agents.desk;
  const metrics = createMetrics(runtime, {
    processMetrics: options.processMetrics,
    database: { connection, embedded },
  });
  const inFlight = new InFlight();
  guard = guardInbound({
    handle: inFlight.track(metrics.timed((message) => runtime.engine.handle(message))),
    limits: options.rateLimits ?? null,
    translator: runtime.translator,
    defaultLanguage: options.policy.language.default,
    onLimited: metrics.rateLimited,
  });
  if (options.seedDemo) logger.info(await seedDemoData(runtime.domain), 'demo data loaded');
  const adapters = [...built.values()];
  // Loaded only when served: tests, the benchmark and the chat do without fastify.
  const http = options.http
    ? await (
        await import('./http-server.ts')
      ).createHttpServer({
        logger,
        channels: adapters,
        metrics: metrics.registry,
        health: async () => withChannels(await checkDatabase(connection, { embedded }), adapters),
        clock: options.clock,
        limits: options.http.limits,
        routes: [
          ...(await consoleRoutes(agents, runtime, options.clock)),
          ...(options.surveyLink
            ? [
                surveyRoutes({
                  domain: runtime.domain,
                  translator: runtime.translator,
                  clock: options.clock,
                  secret: options.surveyLink.secret(),
                }),
              ]
            : []),
        ],
      })
    : null;
  let port: number | null = null;
  let started = false;
  const compaction = options.retention
    ? new CompactionSchedule({
        db: connection.db!,
        versions: runtime.stores.versions,
        clock: options.clock,
        settings: options.retention,
        processId: randomUUID(),
        onRun: (report) => logger.info(report, 'idle conversations compacted'),
        onError: (error) => logger.error({ err: error }, 'compaction failed'),
      })
    : null;
  // Issue 17: a killed process's report counts caught up while the others run.
  const tallyCatchUp = new TallyCatchUpSchedule({
    tally: runtime.domain.reports.days,
    clock: options.clock,
    processId: randomUUID(),
    onRun: (run) =>
      logger[run.caught > 0 ? 'info' : 'debug'](run, 'report counts of dead writers caught up'),
    onError: (error) => logger.error({ err: error }, 'catching up report counts failed'),
  });

  return {
    runtime,
    connection,
    embeddedDatabase: embedded,
    logger,
    metrics: metrics.registry,
    handle: context.handle,
    agents,
    http,
    get port() {
      return port;
    },
    channel<K extends ChannelKind>(kind: K) {
      const adapter = built.get(kind);
      if (!adapter) throw new ConfigurationError(`the ${kind} channel is not enabled`);
      return adapter as ChannelAdapterOf<K>;
    },
    async start() {
      started = true;
      await runtime.start();
      compaction?.start();
      tallyCatchUp.start();
      // The channels' state, before a channel reads it.
      for (const store of stores) await store.init();
      for (const adapter of adapters) await adapter.start();
      if (http && options.agentConsole?.demoAgent) await addDemoAgent(agents.access, logger);
      if (http && options.http) {
        await http.listen({ host: options.http.host, port: options.http.port });
        const address = http.server.address();
        port = typeof address === 'object' && address ? address.port : options.http.port;
        logger.info(
          { port, channels: runtime.engine.channels },
          `atiende listening: http://${options.http.host}:${port}`,
        );
      }
    },
    async stop() {
      // The scheduled compaction first: it writes through the runtime's stores.
      await compaction
        ?.stop()
        .catch((error: unknown) => logger.error({ err: error }, 'stopping the compaction failed'));
      await tallyCatchUp.stop();
      await stopInOrder({
        http,
        adapters: started ? adapters : [],
        runtime,
        inFlight,
        // Their reads of the shared log end too: on a closed client they would fail.
        writesBehind: [{ name: 'agent desk events', flushed: () => agents.desk.events.close() }],
        database,
        logger,
      });
    },
  };
}

export { DEMO_AGENT_EMAIL, type AgentConsoleParts } from './agent-console/console-parts.ts';

/** The options `npm start` runs with, from its configuration. */
export function optionsFromConfig(config: AppConfig, logger: Logger): AtiendeOptions {
  return {
    database: { uri: config.mongodbUri, dataDir: config.dataDir, log: (line) => logger.info(line) },
    policy: config.policy,
    clock: config.clock,
    channels: config.channels,
    seedDemo: config.seedDemo,
    http: { host: config.host, port: config.port, limits: config.httpServer },
    rateLimits: config.rateLimits,
    channelSettings: {
      httpJson: config.httpJson,
      ...(config.telegram ? { telegram: config.telegram } : {}),
      whatsapp: { pairingPhone: config.whatsapp.pairingPhone },
      webchat: config.webchat,
    },
    logger,
    processMetrics: true,
    mail: mailFromConfig(config),
    followUp: config.followUp,
    surveyLink: config.surveyLink,
    agentConsole: {
      demoAgent: config.env !== 'production' && config.seedDemo && config.mongodbUri === undefined,
    },
    retention: config.retention,
  };
}

/** The mail options of a configuration: its SMTP server, or demo codes (never in production). */
export function mailFromConfig(config: AppConfig): RuntimeMailOptions {
  const smtp = config.mail.smtp;
  return {
    mailer: smtp ? createSmtpMailer({ url: smtp.url.reveal(), from: smtp.from }) : null,
    demoCodes: config.mail.demoCodes,
  };
}
