import { describe, expect, it } from 'vitest';
import { withChannels } from '../../../src/app/health.ts';
import type { ChannelAdapter } from '../../../src/channels/channel-adapter.ts';

const adapter = (
  kind: ChannelAdapter['kind'],
  health?: ChannelAdapter['health'],
): ChannelAdapter => ({
  kind,
  start: async () => undefined,
  stop: async () => undefined,
  deliver: async () => undefined,
  ...(health ? { health } : {}),
});

describe('/healthz shows the channels that keep a connection (issue 14)', () => {
  it('a logged-out WhatsApp is shown beside the database; the answer stays what the database says', () => {
    const shown = withChannels({ status: 'ok' }, [
      adapter('http-json'),
      adapter('whatsapp', () => ({
        status: 'loggedOut',
        owner: true,
        reason: 'Connection Failure (401)',
      })),
    ]);
    expect(shown).toEqual({
      status: 'ok',
      channels: {
        whatsapp: { status: 'loggedOut', owner: true, reason: 'Connection Failure (401)' },
      },
    });
  });

  it('without such a channel the answer is unchanged', () => {
    expect(withChannels({ status: 'ok' }, [adapter('http-json')])).toEqual({ status: 'ok' });
  });
});
