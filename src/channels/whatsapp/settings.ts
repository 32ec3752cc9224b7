import type { Pacing } from './pacer.ts';
import type { Reconnect } from './connection.ts';
import type { SocketFactory } from './socket.ts';

/** The WhatsApp channel's settings (`WHATSAPP_*`); tests give their own socket. */
export interface WhatsAppSettings {
  /** The number a pairing code is asked for (digits, country code first); null: a QR. */
  pairingPhone: string | null;
  /**
   * The stored session's name: one WhatsApp number per name in a database (its lease is
   * `whatsapp:<account>`).
   */
  account: string;
  /** Builds the socket: Baileys' by default. */
  connect: SocketFactory | null;
  /** Where the pairing QR and code are shown: the terminal by default. */
  show: (text: string) => void;
  pacing: Pacing;
  reconnect: Reconnect;
  /** How long a reply waits for the socket to (re)open before it is left to recovery. */
  openWaitMs: number;
}
