import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import mongoose, { type Connection } from 'mongoose';
import type { SupervisorState } from '../bot/database/supervisor.ts';
import { DatabaseUnreachable } from '../bot/engine/errors.ts';
import type { Runtime } from '../bot/runtime.ts';
import type { HandleInbound } from '../channels/channel-adapter.ts';
import type { RateLimitKind } from '../channels/errors.ts';
import type { ChannelKind } from '../domain/types.ts';

/** Upper bounds of the turn latency buckets, in seconds: a cached turn takes a few ms. */
const TURN_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The Prometheus metrics of one running atiende. */
export interface AppMetrics {
  /** This app's own registry (several apps in one process, as in tests, do not mix). */
  readonly registry: Registry;
  /** `handle`, timed: every call is observed in the turn latency histogram. */
  timed(handle: HandleInbound): HandleInbound;
  /** Counts a message or request refused by a rate limit. */
  rateLimited(channel: ChannelKind, kind: RateLimitKind): void;
}

/** What the metrics read of the database: its connection, and the embedded server's supervisor. */
export interface DatabaseMetricsSource {
  readonly connection: Connection;
  readonly embedded: { readonly state: SupervisorState } | null;
}

/**
 * Counters and gauges read from the engine, scheduler and database when scraped, and the turn
 * latency histogram the channels' calls feed. `processMetrics` adds Node's own (CPU, memory,
 * event loop).
 */
export function createMetrics(
  runtime: Runtime,
  options: { processMetrics?: boolean; database?: DatabaseMetricsSource } = {},
) {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const { engine, scheduler } = runtime;

  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });

  counter(
    'atiende_turns_answered_total',
    'Customer messages answered.',
    () => engine.stats.answered,
  );
  counter(
    'atiende_duplicates_dropped_total',
    'Redelivered customer messages dropped (already answered).',
    () => engine.stats.duplicates,
  );
  counter(
    'atiende_version_conflicts_total',
    'Turns retried because another process stored the next version first.',
    () => engine.stats.conflicts,
  );
  counter(
    'atiende_state_cache_misses_total',
    'Turns that read their conversation from the database.',
    () => engine.stats.cacheMisses,
  );
  counter(
    'atiende_replies_delivered_total',
    'Replies handed to a channel.',
    () => engine.stats.delivered,
  );
  counter(
    'atiende_timers_fired_total',
    'Durable timers this process fired.',
    () => scheduler.fired,
  );
  gauge(
    'atiende_cached_conversations',
    'Conversations held in memory.',
    () => engine.cachedConversations,
  );
  gauge(
    'atiende_queued_turns',
    'Turns waiting for a free slot (admission control).',
    () => engine.queuedTurns,
  );
  gauge(
    'atiende_timers_due',
    "Timers due at the scheduler's last tick.",
    () => scheduler.dueAtLastTick,
  );
  const database = options.database;
  if (database) {
    gauge(
      'atiende_database_connected',
      'Whether the driver saw the database connected (1) or not (0) at its last operation or check.',
      () => (database.connection.readyState === mongoose.ConnectionStates.connected ? 1 : 0),
    );
  }
  const embedded = database?.embedded;
  if (embedded) {
    counter(
      'atiende_embedded_database_restarts_total',
      'Times the supervisor restarted the embedded database after it died.',
      () => embedded.state.restarts,
    );
    gauge(
      'atiende_embedded_database_up',
      'Whether the embedded database is running (1) or dead and being restarted (0).',
      () => (embedded.state.status === 'up' ? 1 : 0),
    );
  }
  const turnSeconds = new Histogram({
    name: 'atiende_turn_duration_seconds',
    help:
      'Time to handle one customer message, by channel and outcome ' +
      '(unavailable: the database did not answer; failed: it threw otherwise).',
    labelNames: ['channel', 'outcome'] as const,
    buckets: TURN_BUCKETS,
    registers: [registry],
  });

  const limited = new Counter({
    name: 'atiende_rate_limited_total',
    help: 'Messages and requests refused by a rate limit, by channel and limit (user, address).',
    labelNames: ['channel', 'kind'] as const,
    registers: [registry],
  });

  return {
    registry,
    rateLimited: (channel, kind) => limited.inc({ channel, kind }),
    timed: (handle) => async (message, origin) => {
      const started = performance.now();
      const observe = (outcome: string) =>
        turnSeconds.observe(
          { channel: message.channel, outcome },
          (performance.now() - started) / 1000,
        );
      try {
        const outcome = await handle(message, origin);
        observe(outcome);
        return outcome;
      } catch (error) {
        observe(error instanceof DatabaseUnreachable ? 'unavailable' : 'failed');
        throw error;
      }
    },
  } satisfies AppMetrics;
}
