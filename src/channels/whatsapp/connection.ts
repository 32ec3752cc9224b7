import type { FastifyBaseLogger } from 'fastify';
import type { SessionState } from '../../domain/channel-state/ports.ts';
import type { SocketFactory, WhatsAppEvents, WhatsAppSocket } from './socket.ts';

/** Where the connection to WhatsApp stands, for `/healthz` and the logs. */
export type ConnectionStatus =
  'idle' | 'connecting' | 'pairing' | 'open' | 'reconnecting' | 'loggedOut' | 'stopped';

/** Back-off between reconnections: doubling from `initialMs` up to `maxMs`, with jitter. */
export interface Reconnect {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RECONNECT: Reconnect = { initialMs: 1_000, maxMs: 60_000 };

/** Baileys' close codes the keeper treats apart (`DisconnectReason`). */
const LOGGED_OUT = 401;
const RESTART_REQUIRED = 515;

/** What the keeper needs besides the factory. */
export interface SocketKeeperOptions {
  connect: SocketFactory;
  session: SessionState;
  logger: FastifyBaseLogger;
  reconnect: Reconnect;
  /** The number a pairing code is asked for; null: a QR is shown. */
  pairingPhone: string | null;
  showQr: (qr: string) => void;
  showPairingCode: (code: string) => void;
  /** Each new socket, for the channel to listen to its messages. */
  onSocket: (socket: WhatsAppSocket) => void;
  /** The number was logged out (unlinked from the phone): its stored session is useless. */
  onLoggedOut: () => Promise<void>;
}

/**
 * Keeps one socket to WhatsApp while started: pairs it (a QR, or a pairing code for the
 * configured number), and reconnects with back-off after every close but a log-out, which is
 * logged loudly and kept as the status until a restart.
 */
export class SocketKeeper {
  #socket: WhatsAppSocket | null = null;
  #status: ConnectionStatus = 'idle';
  #since = new Date();
  #reason: string | null = null;
  #attempt = 0;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #waiters: ((socket: WhatsAppSocket | null) => void)[] = [];

  constructor(private readonly o: SocketKeeperOptions) {}

  get status(): { status: ConnectionStatus; since: Date; reason: string | null } {
    return { status: this.#status, since: this.#since, reason: this.#reason };
  }

  /** The socket while it is open, else null. */
  get open(): WhatsAppSocket | null {
    return this.#status === 'open' ? this.#socket : null;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#attempt = 0;
    void this.#connect();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = null;
    if (this.#status !== 'loggedOut') this.#set('stopped', null);
    this.#release(null);
    await socket
      ?.end()
      .catch((error: unknown) =>
        this.o.logger.warn({ err: error }, 'closing the WhatsApp socket failed'),
      );
  }

  /** The open socket, waiting for it up to `timeoutMs`; null when it does not open in time. */
  whenOpen(timeoutMs: number): Promise<WhatsAppSocket | null> {
    const open = this.open;
    if (open || !this.#running) return Promise.resolve(open);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve(null);
      }, timeoutMs);
      const done = (socket: WhatsAppSocket | null) => {
        clearTimeout(timer);
        resolve(socket);
      };
      this.#waiters.push(done);
    });
  }

  #set(status: ConnectionStatus, reason: string | null): void {
    if (status !== this.#status) this.#since = new Date();
    this.#status = status;
    this.#reason = reason;
  }

  #release(socket: WhatsAppSocket | null): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(socket);
  }

  async #connect(): Promise<void> {
    if (!this.#running) return;
    this.#set(this.#attempt === 0 ? 'connecting' : 'reconnecting', this.#reason);
    let socket: WhatsAppSocket;
    try {
      socket = await this.o.connect({ session: this.o.session, logger: this.o.logger });
    } catch (error) {
      this.o.logger.error({ err: error }, 'building the WhatsApp socket failed');
      return this.#retry(error instanceof Error ? error.message : String(error), false);
    }
    if (!this.#running) {
      await socket.end().catch(() => undefined);
      return;
    }
    this.#socket = socket;
    let pairingAsked = false;
    socket.ev.on('connection.update', (update) => {
      if (this.#socket !== socket) return;
      void this.#update(socket, update, () => {
        const first = !pairingAsked;
        pairingAsked = true;
        return first;
      });
    });
    this.o.onSocket(socket);
  }

  async #update(
    socket: WhatsAppSocket,
    update: WhatsAppEvents['connection.update'],
    firstPairing: () => boolean,
  ): Promise<void> {
    const { logger } = this.o;
    if (update.qr) {
      this.#set('pairing', null);
      if (this.o.pairingPhone === null) this.o.showQr(update.qr);
      else if (firstPairing()) {
        try {
          this.o.showPairingCode(await socket.requestPairingCode(this.o.pairingPhone));
        } catch (error) {
          logger.error({ err: error }, 'asking WhatsApp for a pairing code failed');
        }
      }
    }
    if (update.connection === 'open') {
      this.#attempt = 0;
      this.#set('open', null);
      logger.info('WhatsApp connected');
      this.#release(socket);
    }
    if (update.connection === 'close') {
      this.#socket = null;
      const error = update.lastDisconnect?.error as
        (Error & { output?: { statusCode?: number } }) | undefined;
      const code = error?.output?.statusCode;
      const reason = `${error?.message ?? 'closed'}${code ? ` (${code})` : ''}`;
      if (!this.#running) return;
      if (code === LOGGED_OUT) {
        this.#running = false;
        this.#set('loggedOut', reason);
        this.#release(null);
        logger.error(
          { reason },
          'WHATSAPP LOGGED OUT: the number was unlinked from the phone. Nothing is sent or received on WhatsApp until it is paired again: restart atiende and scan the new QR (or enter the new pairing code).',
        );
        await this.o
          .onLoggedOut()
          .catch((e: unknown) =>
            logger.error({ err: e }, 'forgetting the logged-out WhatsApp session failed'),
          );
        return;
      }
      this.#retry(reason, code === RESTART_REQUIRED);
    }
  }

  /** Connects again after a back-off (at once when WhatsApp asked for a restart). */
  #retry(reason: string, now: boolean): void {
    if (!this.#running) return;
    const attempt = this.#attempt++;
    const base = Math.min(this.o.reconnect.maxMs, this.o.reconnect.initialMs * 2 ** attempt);
    const delay = now ? 0 : Math.round(base * (0.75 + Math.random() * 0.5));
    this.#set('reconnecting', reason);
    this.o.logger.warn(
      { reason, attempt: attempt + 1, inMs: delay },
      'WhatsApp closed: reconnecting',
    );
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }
}
