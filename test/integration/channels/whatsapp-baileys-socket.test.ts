/**
 * Issue 14: the production socket — Baileys' own `makeWASocket` on the session stored in the
 * database — loads without native peers and opens WhatsApp's handshake. WhatsApp's servers
 * cannot be reached here: a local WebSocket endpoint stands in for `web.whatsapp.com` and
 * checks the first frame is WhatsApp's noise prologue ("WA", protocol version).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { connectBaileys } from '../../../src/channels/whatsapp/baileys-socket.ts';
import { SessionStore } from '../../../src/domain/channel-state/index.ts';
import { openTestConnection } from '../../support/database.ts';

/** A WebSocket endpoint that accepts one client and hands over its first frame's payload. */
function fakeWhatsApp(): Promise<{
  url: string;
  firstFrame: Promise<Buffer>;
  close: () => Promise<void>;
}> {
  let deliver: (payload: Buffer) => void = () => undefined;
  const firstFrame = new Promise<Buffer>((resolve) => (deliver = resolve));
  const sockets: Socket[] = [];
  const server = createServer();
  server.on('upgrade', (request, socket: Socket) => {
    sockets.push(socket);
    const accept = createHash('sha1')
      .update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.once('data', (frame: Buffer) => {
      // A client frame: FIN/opcode, mask bit and length (7, 16 or 64 bits), 4-byte mask, payload.
      let length = frame[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        length = frame.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        length = Number(frame.readBigUInt64BE(2));
        at = 10;
      }
      const mask = frame.subarray(at, at + 4);
      const payload = Buffer.from(frame.subarray(at + 4, at + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      deliver(payload);
    });
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `ws://127.0.0.1:${port}/ws/chat`, firstFrame, close });
    }),
  );
}

describe("Baileys' own socket on the database session (issue 14)", () => {
  const closing: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const close of closing) await close().catch(() => undefined);
  });

  it('connects with a fresh session and opens the noise handshake; no native peer is needed', async () => {
    const { url, firstFrame, close } = await fakeWhatsApp();
    const store = new SessionStore(await openTestConnection());
    await store.init();
    const socket = await connectBaileys(
      { session: store.scope('whatsapp:smoke'), logger: pino({ level: 'silent' }) },
      url,
    );
    // Baileys' own end, then the server (which drops the connection if Baileys did not).
    closing.push(
      () => Promise.race([socket.end(), new Promise((resolve) => setTimeout(resolve, 2_000))]),
      close,
    );
    const payload = await firstFrame;
    // Noise prologue: "WA", then the protocol's major version and dictionary version.
    expect(payload.subarray(0, 2).toString('latin1')).toBe('WA');
    expect(payload[2]).toBe(6);
  }, 20_000);
});
