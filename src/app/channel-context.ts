import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Runtime } from '../bot/runtime.ts';
import type { ChannelContext, ChannelSettings } from '../channels/channel-adapter.ts';
import {
  DEFAULT_LEASE_TIMINGS,
  LeaseKeeper,
  LeaseStore,
  SessionStore,
  type LeaseTimings,
} from '../domain/channel-state/index.ts';
import { ChannelLogStore } from '../domain/channel-log/index.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import type { PolicyConfig } from '../domain/policy/index.ts';
import { officeHoursText } from './channel-texts.ts';
import type { InboundGuard } from './inbound-guard.ts';
import type { Logger } from './logger.ts';

/** What of atiende's options the channels' context takes. */
export interface ChannelContextOptions {
  clock: Clock;
  policy: PolicyConfig;
  leaseTimings?: Partial<LeaseTimings>;
  channelSettings?: ChannelSettings;
}

/** What the channels' context reaches once atiende is assembled. */
export interface LateParts {
  runtime(): Runtime | null;
  guard(): InboundGuard | null;
}

/**
 * The context every channel is built with. Channels are built before the engine they are wired
 * to, so its ports reach the runtime late (and refuse until it is there); the network session
 * and lease stores are the only ones of their own, returned to be initialised with the domain.
 */
export function lateChannelContext(
  connection: Connection,
  options: ChannelContextOptions,
  logger: Logger,
  parts: LateParts,
): { context: ChannelContext; stores: { init(): Promise<void> }[] } {
  const notYet = () => new Error('atiende is not assembled yet');
  const runtime = (): Runtime => {
    const late = parts.runtime();
    if (!late) throw notYet();
    return late;
  };
  /** A port's call once the runtime is there; a rejected promise before. */
  const later = <T>(call: (late: Runtime) => Promise<T>): Promise<T> => {
    const late = parts.runtime();
    return late ? call(late) : Promise.reject(notYet());
  };
  const sessions = new SessionStore(connection);
  const leaseStore = new LeaseStore(connection);
  const logs = new ChannelLogStore(connection);
  // Leases compare instants across processes: real time, whatever clock the app simulates.
  const leases = new LeaseKeeper(
    leaseStore,
    randomUUID(),
    systemClock,
    { ...DEFAULT_LEASE_TIMINGS, ...options.leaseTimings },
    (error) => logger.error({ err: error }, 'keeping a channel lease failed'),
  );
  const context: ChannelContext = {
    handle: (message, origin) => {
      const guard = parts.guard();
      return guard ? guard.handle(message, origin) : Promise.reject(notYet());
    },
    admit: (channel, origin) => {
      const guard = parts.guard();
      if (!guard) throw notYet();
      guard.admit(channel, origin);
    },
    replies: {
      answerTo: (conversationId, messageId) => runtime().engine.answerTo(conversationId, messageId),
      repliesSince: (conversationId, after, limit) =>
        runtime().engine.repliesSince(conversationId, after, limit),
    },
    attachments: {
      put: (...args) => later((late) => late.domain.attachments.put(...args)),
    },
    addresses: {
      remember: (conversationId, address) =>
        later((late) =>
          late.domain.channelAddresses.remember(conversationId, address, options.clock.now()),
        ),
      recall: (conversationId) =>
        later((late) => late.domain.channelAddresses.recall(conversationId)),
    },
    sessions,
    leases,
    logs,
    marks: {
      check: (...args) => later((late) => late.domain.channelMarks.check(...args)),
      markSent: (...args) => later((late) => late.domain.channelMarks.markSent(...args)),
      markUnreachable: (...args) =>
        later((late) => late.domain.channelMarks.markUnreachable(...args)),
      markReachable: (...args) => later((late) => late.domain.channelMarks.markReachable(...args)),
      claim: (...args) => later((late) => late.domain.channelMarks.claim(...args)),
    },
    texts: {
      text: (key, params, language) => runtime().translator.text(key, params, language),
      defaultLanguage: options.policy.language.default,
      officeHours: (key, country, language, at) =>
        officeHoursText(
          runtime().translator,
          // R003-3 / R003-4: the announcements as this process last read them (within 1 s).
          runtime().domain.announcements.policy,
          key,
          country,
          language,
          at,
        ),
    },
    clock: options.clock,
    logger,
    settings: options.channelSettings,
  };
  return { context, stores: [sessions, leaseStore, logs] };
}
