/**
 * The WhatsApp channel connects only while its process holds the number's lease, steps down
 * the moment it loses it, and pairs by QR or by pairing code (issue 14).
 */
import { describe, expect, it } from 'vitest';
import { ChannelUnavailable } from '../../../../src/bot/engine/errors.ts';
import type { OutboundMessage } from '../../../../src/bot/engine/messages.ts';
import { WhatsAppChannel } from '../../../../src/channels/whatsapp/whatsapp-channel.ts';
import type { LeaseEvents } from '../../../../src/domain/channel-state/ports.ts';
import { RecordedSocket } from '../../../support/whatsapp-fixtures.ts';
import { channelContext } from '../context.ts';

/** A lease the test hands out and takes back. */
function controlledLease() {
  let events: LeaseEvents | null = null;
  let held = false;
  let name = '';
  return {
    get name() {
      return name;
    },
    leases: {
      keep(n: string, e: LeaseEvents) {
        name = n;
        events = e;
        return {
          holds: () => held,
          get term() {
            return held ? 1 : null;
          },
          release: async () => {
            if (held) await lose();
          },
        };
      },
    },
    async grant() {
      held = true;
      await events!.onAcquired(1);
    },
    async lose() {
      await lose();
    },
  };
  async function lose() {
    held = false;
    await events!.onLost(1, 'superseded');
  }
}

const memorySessions = () => {
  const data = new Map<string, string>();
  return {
    scope: (s: string) => ({
      get: async (keys: readonly string[]) =>
        new Map(keys.flatMap((k) => (data.has(`${s}/${k}`) ? [[k, data.get(`${s}/${k}`)!]] : []))),
      set: async (entries: ReadonlyMap<string, string | null>) => {
        for (const [k, v] of entries) {
          if (v === null) data.delete(`${s}/${k}`);
          else data.set(`${s}/${k}`, v);
        }
      },
    }),
  };
};

const reply = (deliveryId: string): OutboundMessage => ({
  deliveryId,
  conversationId: 'whatsapp:525555550101',
  channel: 'whatsapp',
  channelUserId: '525555550101',
  language: 'es',
  reply: { key: 'x' },
  inReplyTo: null,
  text: 'Hola',
  choices: [],
});

async function until(condition: () => boolean): Promise<void> {
  const end = Date.now() + 3_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function channelWith(pairingPhone: string | null = null) {
  const lease = controlledLease();
  const sockets: RecordedSocket[] = [];
  const shown: string[] = [];
  const channel = new WhatsAppChannel(
    channelContext({
      leases: lease.leases,
      sessions: memorySessions(),
      settings: {
        whatsapp: {
          pairingPhone,
          connect: async () => {
            sockets.push(new RecordedSocket());
            return sockets.at(-1)!;
          },
          show: (text) => void shown.push(text),
          pacing: { perChatMs: 0, globalMs: 0 },
          openWaitMs: 50,
        },
      },
    }),
  );
  return { channel, lease, sockets, shown };
}

describe('one WhatsApp socket, in the process holding the lease (decision 6)', () => {
  it('connects only once the lease is held, and closes at once when it is lost', async () => {
    const { channel, lease, sockets } = channelWith();
    await channel.start();
    expect(lease.name).toBe('whatsapp:main');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sockets).toHaveLength(0);
    await lease.grant();
    await until(() => sockets.length === 1);
    sockets[0]!.emit('connection.update', { connection: 'open' });
    await channel.deliver(reply('d1'));
    expect(sockets[0]!.sent).toHaveLength(1);

    await lease.lose();
    expect(sockets[0]!.calls.at(-1)).toEqual({ type: 'end' });
    expect(channel.health()).toMatchObject({ owner: false, status: 'stopped' });
    // A process that does not hold the number never sends: the reply is left to recovery.
    await expect(channel.deliver(reply('d2'))).rejects.toBeInstanceOf(ChannelUnavailable);
    expect(sockets[0]!.sent).toHaveLength(1);
    await channel.stop();
  });

  it('messages arriving on a socket whose lease is gone are not handled', async () => {
    const { channel, lease, sockets } = channelWith();
    await channel.start();
    await lease.grant();
    await until(() => sockets.length === 1);
    await lease.lose();
    const { fixture } = await import('../../../support/whatsapp-fixtures.ts');
    sockets[0]!.emit('messages.upsert', fixture('text'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sockets[0]!.calls.filter((c) => c.type !== 'end')).toEqual([]);
  });
});

describe('pairing a number', () => {
  it('shows the QR WhatsApp sends, drawn for the terminal', async () => {
    const { channel, lease, sockets, shown } = channelWith();
    await channel.start();
    await lease.grant();
    await until(() => sockets.length === 1);
    sockets[0]!.emit('connection.update', { qr: '2@abc,def,ghi,jkl', connection: 'connecting' });
    await until(() => shown.length === 1);
    expect(shown[0]).toMatch(/[█▀▄]/);
    expect(shown[0]!.split('\n').length).toBeGreaterThan(10);
    expect(channel.health().status).toBe('pairing');
    await channel.stop();
  });

  it('asks a pairing code once for the configured number instead of showing QRs', async () => {
    const { channel, lease, sockets, shown } = channelWith('5215512345678');
    await channel.start();
    await lease.grant();
    await until(() => sockets.length === 1);
    sockets[0]!.emit('connection.update', { qr: '2@first' });
    sockets[0]!.emit('connection.update', { qr: '2@second' });
    await until(() => shown.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sockets[0]!.calls.filter((c) => c.type === 'pairingCode')).toEqual([
      { type: 'pairingCode', phone: '5215512345678' },
    ]);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('ABCD1234');
    await channel.stop();
  });
});
