import { pino } from 'pino';
import type { ChannelContext } from '../../../src/channels/channel-adapter.ts';
import { systemClock } from '../../../src/domain/clock.ts';

/** A channel's context for tests of one adapter: no engine behind it unless given. */
export function channelContext(overrides: Partial<ChannelContext> = {}): ChannelContext {
  return {
    handle: async () => 'answered',
    replies: {
      answerTo: async () => [],
      repliesSince: async () => ({ replies: [], cursor: 0 }),
    },
    admit: () => undefined,
    attachments: {
      put: () => Promise.reject(new Error('this test keeps no attachments')),
    },
    sessions: {
      scope: () => ({
        get: () => Promise.reject(new Error('this test keeps no session')),
        set: () => Promise.reject(new Error('this test keeps no session')),
      }),
    },
    leases: {
      keep: () => {
        throw new Error('this test holds no lease');
      },
    },
    logs: {
      append: () => Promise.reject(new Error('this test keeps no channel log')),
      read: () => Promise.reject(new Error('this test keeps no channel log')),
      end: () => Promise.reject(new Error('this test keeps no channel log')),
    },
    marks: {
      check: async () => ({ sent: false, unreachable: false }),
      markSent: async () => true,
      markUnreachable: async () => true,
      markReachable: async () => false,
      claim: async () => true,
    },
    texts: { text: (key) => key, defaultLanguage: 'es' },
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    ...overrides,
  };
}
