import type { BaileysEventMap, WAMessage, WAMessageKey } from '@whiskeysockets/baileys';
import type { FastifyBaseLogger } from 'fastify';
import type { SessionState } from '../../domain/channel-state/ports.ts';

/** The events of Baileys' socket the channel listens to. */
export type WhatsAppEvents = Pick<
  BaileysEventMap,
  'connection.update' | 'messages.upsert' | 'lid-mapping.update'
>;

/**
 * The parts of a Baileys socket the channel uses: tests drive the channel with a socket of
 * their own fed recorded event payloads; production wraps `makeWASocket` (`baileys-socket.ts`).
 */
export interface WhatsAppSocket {
  readonly ev: {
    on<E extends keyof WhatsAppEvents>(event: E, listener: (data: WhatsAppEvents[E]) => void): void;
  };
  sendMessage(
    jid: string,
    content: { text: string },
    options: { messageId: string },
  ): Promise<unknown>;
  sendPresenceUpdate(type: 'composing' | 'paused', jid: string): Promise<void>;
  readMessages(keys: WAMessageKey[]): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  /** The phone number's JID of a `@lid` sender, from the mappings WhatsApp sent; or null. */
  phoneOfLid(lid: string): Promise<string | null>;
  /** A media message's bytes (images, documents…), downloaded and decrypted. */
  downloadMedia(message: WAMessage): Promise<Uint8Array>;
  /** Closes the connection (the session stays stored). */
  end(): Promise<void>;
}

/** What a socket is built with. */
export interface SocketOptions {
  /** The number's stored session (credentials and signal keys), in the database. */
  session: SessionState;
  logger: FastifyBaseLogger;
}

/** Builds a connected (connecting) socket; each reconnect builds a new one. */
export type SocketFactory = (options: SocketOptions) => Promise<WhatsAppSocket>;
