import type { WAMessage } from '@whiskeysockets/baileys';
import { LRUCache } from 'lru-cache';
import { ChannelUnavailable, DatabaseUnreachable } from '../../bot/engine/errors.ts';
import {
  conversationIdOf,
  type InboundMessage,
  type OutboundMessage,
} from '../../bot/engine/messages.ts';
import type { Attachment } from '../../domain/cases/case.ts';
import { refusalOf, type AttachmentRefusal } from '../../domain/attachments/attachment-file.ts';
import type { HeldLease, SessionState } from '../../domain/channel-state/ports.ts';
import { fileRefusedReply } from '../file-refused.ts';
import type { ChannelAdapter, ChannelContext } from '../channel-adapter.ts';
import { RateLimited } from '../errors.ts';
import { forgetCreds } from './auth-state.ts';
import { DEFAULT_RECONNECT, SocketKeeper, type ConnectionStatus } from './connection.ts';
import { customerOf, type Customer } from './identity.ts';
import { readMessage, type ReadMessage } from './inbound.ts';
import { phoneJid } from './jid.ts';
import { DEFAULT_PACING, Pacer } from './pacer.ts';
import { qrForTerminal } from './qr.ts';
import { messageIdOf, whatsappText } from './render.ts';
import type { WhatsAppSettings } from './settings.ts';
import type { WhatsAppSocket } from './socket.ts';

const KIND = 'whatsapp';
/** Times a message is handed again to an engine whose database does not answer. */
const DATABASE_RETRIES = 3;
const DATABASE_RETRY_MS = 2_000;

const DEFAULT_SETTINGS: WhatsAppSettings = {
  pairingPhone: null,
  account: 'main',
  connect: null,
  show: (text) => process.stdout.write(`${text}\n`),
  pacing: DEFAULT_PACING,
  reconnect: DEFAULT_RECONNECT,
  openWaitMs: 20_000,
};

/** What `/healthz` shows of WhatsApp. */
export type WhatsAppHealth = {
  /** Whether this process owns the number's socket (one process at a time). */
  owner: boolean;
  status: ConnectionStatus;
  since: string;
  reason: string | null;
};

/**
 * WhatsApp through Baileys (issue 14). One process at a time holds the number's socket (a lease
 * renewed in the database); its session (credentials, signal keys) is in the database too. The
 * adapter reads customers' messages (text, a pressed button, a photo or a document) into
 * `InboundMessage`s keyed by the phone number, and sends replies as text with numbered options,
 * paced, each `deliveryId` once. Translation only: the engine decides.
 */
export class WhatsAppChannel implements ChannelAdapter {
  readonly kind = KIND;
  readonly settings: WhatsAppSettings;
  readonly #keeper: SocketKeeper;
  readonly #chats: SessionState;
  readonly #outbound: Pacer;
  readonly #inbound: Pacer;
  /** The chat each customer writes from (phone or `@lid` JID), by `channelUserId`. */
  readonly #chatOf = new LRUCache<string, string>({ max: 50_000 });
  /** `@lid` → phone JID, as WhatsApp tells (`lid-mapping.update`). */
  readonly #lids = new LRUCache<string, string>({ max: 50_000 });
  #lease: HeldLease | null = null;
  /** Replies being sent now, by `deliveryId`: a resend while the first is in flight joins it. */
  readonly #sending = new Map<string, Promise<void>>();

  constructor(private readonly context: ChannelContext) {
    this.settings = { ...DEFAULT_SETTINGS, ...context.settings?.whatsapp };
    const { account } = this.settings;
    const session = context.sessions.scope(`whatsapp:${account}`);
    this.#chats = context.sessions.scope(`whatsapp-chats:${account}`);
    const now = () => Date.now();
    this.#outbound = new Pacer(this.settings.pacing, now);
    this.#inbound = new Pacer({ perChatMs: 0, globalMs: 0 }, now);
    const log = context.logger.child({ channel: KIND });
    this.#keeper = new SocketKeeper({
      connect:
        this.settings.connect ??
        (async (o) => (await import('./baileys-socket.ts')).baileysSocket(o)),
      session,
      logger: log,
      reconnect: this.settings.reconnect,
      pairingPhone: this.settings.pairingPhone,
      showQr: (qr) => {
        log.warn(
          'WhatsApp is not paired: scan this QR with WhatsApp > Linked devices > Link a device',
        );
        this.settings.show(qrForTerminal(qr));
      },
      showPairingCode: (code) => {
        log.warn({ code }, `WhatsApp pairing code: ${code}`);
        this.settings.show(
          `WhatsApp pairing code for +${this.settings.pairingPhone}: ${code}\n(WhatsApp > Linked devices > Link a device > Link with phone number instead)`,
        );
      },
      onSocket: (socket) => this.#listen(socket),
      onLoggedOut: () => forgetCreds(session),
    });
  }

  /** Contends for the number; the process that holds it connects. */
  async start(): Promise<void> {
    const log = this.context.logger.child({ channel: KIND });
    this.#lease = this.context.leases.keep(`whatsapp:${this.settings.account}`, {
      onAcquired: (term) => {
        log.info({ term }, 'this process holds the WhatsApp number: connecting');
        this.#keeper.start();
      },
      onLost: async (term, reason) => {
        log.warn(
          { term, reason },
          'this process no longer holds the WhatsApp number: disconnecting',
        );
        await this.#keeper.stop();
      },
    });
  }

  async stop(): Promise<void> {
    await this.#lease?.release();
    await this.#keeper.stop();
  }

  /** The number's connection as this process sees it. */
  health(): WhatsAppHealth {
    const { status, since, reason } = this.#keeper.status;
    return { owner: this.#lease?.holds() ?? false, status, since: since.toISOString(), reason };
  }

  deliver(message: OutboundMessage): Promise<void> {
    const { deliveryId } = message;
    const inFlight = this.#sending.get(deliveryId);
    if (inFlight) return inFlight;
    const sending = this.#send(message).finally(() => this.#sending.delete(deliveryId));
    this.#sending.set(deliveryId, sending);
    return sending;
  }

  /** Sends a reply unless its mark says it went out already, then marks it. */
  async #send(message: OutboundMessage): Promise<void> {
    const { deliveryId, conversationId } = message;
    const check = await this.context.marks.check(deliveryId, conversationId);
    if (check.sent) return;
    const jid = await this.#chatJidOf(message.channelUserId);
    await this.#outbound.run(jid, async () => {
      const socket = this.#lease?.holds()
        ? await this.#keeper.whenOpen(this.settings.openWaitMs)
        : null;
      // Checked again after the wait: a process that lost the number never sends.
      if (!socket || !this.#lease?.holds())
        throw new ChannelUnavailable(conversationId, 'this process is not connected to WhatsApp');
      await socket.sendMessage(
        jid,
        { text: whatsappText(message) },
        { messageId: messageIdOf(deliveryId) },
      );
    });
    await this.context.marks.markSent(deliveryId, this.context.clock.now());
  }

  #listen(socket: WhatsAppSocket): void {
    socket.ev.on('lid-mapping.update', ({ lid, pn }) => {
      if (lid && pn) this.#lids.set(lid, pn);
    });
    socket.ev.on('messages.upsert', ({ messages, type }) => {
      // 'append' is history and our other devices' messages: nothing a customer just said.
      if (type !== 'notify') return;
      for (const raw of messages) this.#receive(socket, raw);
    });
  }

  #receive(socket: WhatsAppSocket, raw: WAMessage): void {
    const read = readMessage(raw);
    const log = this.context.logger.child({ channel: KIND });
    if (typeof read === 'string') {
      log.debug({ messageId: raw.key.id, ignored: read }, 'WhatsApp message ignored');
      return;
    }
    if (!this.#lease?.holds()) return;
    // One chat's messages reach the engine in the order WhatsApp gave them.
    void this.#inbound
      .run(read.chatJid, () => this.#turn(socket, raw, read))
      .catch((error: unknown) =>
        log.error({ err: error, messageId: read.id }, 'WhatsApp message failed'),
      );
  }

  async #turn(socket: WhatsAppSocket, raw: WAMessage, read: ReadMessage): Promise<void> {
    const customer = await customerOf(read.chatJid, read.chatJidAlt, async (lid) => {
      return this.#lids.get(lid) ?? (await socket.phoneOfLid(lid));
    });
    const log = this.context.logger.child({
      channel: KIND,
      conversationId: conversationIdOf(KIND, customer.channelUserId),
    });
    await this.#rememberChat(customer.channelUserId, read.chatJid);
    socket
      .readMessages([raw.key])
      .catch((error: unknown) => log.debug({ err: error }, 'read receipt failed'));
    const message: InboundMessage = {
      channel: KIND,
      channelUserId: customer.channelUserId,
      messageId: read.id,
      text: read.text,
      ...(read.choice ? { choice: read.choice } : {}),
      phone: customer.phone,
      displayName: read.displayName,
      localeHint: customer.localeHint,
      receivedAt: read.sentAt ?? this.context.clock.now(),
    };
    await socket.sendPresenceUpdate('composing', read.chatJid).catch(() => undefined);
    try {
      if (read.media) {
        const kept = await this.#attachment(socket, raw, read, customer, log);
        if (kept.refusal)
          await this.deliver(fileRefusedReply(message, kept.refusal, this.context.texts));
        if (kept.attachment) message.attachments = [kept.attachment];
        // A file refused with no words: nothing is left for the engine to read.
        else if (read.text === '' && !read.choice) return;
      }
      await this.#handle(message, log);
    } finally {
      await socket.sendPresenceUpdate('paused', read.chatJid).catch(() => undefined);
    }
  }

  async #handle(message: InboundMessage, log: ChannelContext['logger']): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome = await this.context.handle(message);
        log.debug({ messageId: message.messageId, outcome }, 'WhatsApp turn');
        return;
      } catch (error) {
        if (error instanceof RateLimited) {
          if (error.reply) await this.deliver(error.reply);
          return;
        }
        // WhatsApp will not send it again: the turn is tried again (its id answers it once).
        if (error instanceof DatabaseUnreachable && attempt < DATABASE_RETRIES) {
          log.warn(
            { messageId: message.messageId, attempt: attempt + 1 },
            'database down: WhatsApp message retried',
          );
          await new Promise((resolve) => setTimeout(resolve, DATABASE_RETRY_MS * (attempt + 1)));
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Stores a file sent (R001-3) within the limits: a file over them is neither downloaded nor
   * stored, and the customer is told why; one that fails to download is logged.
   */
  async #attachment(
    socket: WhatsAppSocket,
    raw: WAMessage,
    read: ReadMessage,
    customer: Customer,
    log: ChannelContext['logger'],
  ): Promise<{ attachment?: Attachment; refusal?: AttachmentRefusal }> {
    const media = read.media!;
    const declared = refusalOf(media.size, media.contentType);
    if (declared) {
      log.info(
        { messageId: read.id, refusal: declared, type: media.contentType, size: media.size },
        'WhatsApp file refused',
      );
      return { refusal: declared };
    }
    let bytes: Uint8Array;
    try {
      bytes = await socket.downloadMedia(raw);
    } catch (error) {
      log.warn({ err: error, messageId: read.id }, 'downloading a WhatsApp file failed');
      return {};
    }
    const stored = await this.context.attachments.put(
      read.id,
      conversationIdOf(KIND, customer.channelUserId),
      { name: media.name, contentType: media.contentType, bytes },
      this.context.clock.now(),
    );
    if (!stored.stored) {
      log.info({ messageId: read.id, refusal: stored.refusal }, 'WhatsApp file refused');
      return { refusal: stored.refusal };
    }
    return { attachment: stored.attachment };
  }

  /** Keeps where a customer writes from, for replies sent later or by another process. */
  async #rememberChat(channelUserId: string, chatJid: string): Promise<void> {
    if (this.#chatOf.get(channelUserId) === chatJid) return;
    this.#chatOf.set(channelUserId, chatJid);
    await this.#chats.set(new Map([[channelUserId, chatJid]]));
  }

  async #chatJidOf(channelUserId: string): Promise<string> {
    const known = this.#chatOf.get(channelUserId);
    if (known) return known;
    const stored = (await this.#chats.get([channelUserId])).get(channelUserId);
    if (stored) {
      this.#chatOf.set(channelUserId, stored);
      return stored;
    }
    // Never written from: a number as the key holds it (WhatsApp resolves it).
    return phoneJid(channelUserId);
  }
}
