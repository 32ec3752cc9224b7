/**
 * Baileys payloads recorded as JSON (`test/fixtures/whatsapp`), read back as Baileys reads its
 * own (`BufferJSON.reviver`), and a socket that plays them to the WhatsApp channel.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { BufferJSON } from '@whiskeysockets/baileys';
import type { BaileysEventMap, WAMessage, WAMessageKey } from '@whiskeysockets/baileys';
import type { WhatsAppEvents, WhatsAppSocket } from '../../src/channels/whatsapp/socket.ts';

/** A recorded payload by file name (without `.json`). */
export function fixture<T = BaileysEventMap['messages.upsert']>(name: string): T {
  const url = new URL(`../fixtures/whatsapp/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'), BufferJSON.reviver) as T;
}

/** A recorded upsert with its first message changed (another id, chat or text). */
export function upsertOf(
  name: string,
  change: (message: WAMessage) => void = () => undefined,
): BaileysEventMap['messages.upsert'] {
  const upsert = fixture(name);
  change(upsert.messages[0]!);
  return upsert;
}

/** What the channel did on the socket, in order. */
export type SocketCall =
  | { type: 'send'; jid: string; text: string; messageId: string }
  | { type: 'presence'; presence: 'composing' | 'paused'; jid: string }
  | { type: 'read'; keys: WAMessageKey[] }
  | { type: 'pairingCode'; phone: string }
  | { type: 'end' };

/** A socket fed recorded payloads by the test; it records what the channel does with it. */
export class RecordedSocket implements WhatsAppSocket {
  readonly calls: SocketCall[] = [];
  readonly #emitter = new EventEmitter();
  /** `@lid` → phone JID, as Baileys' signal repository would answer. */
  readonly lids = new Map<string, string>();
  /** Bytes of media messages, by message id. */
  readonly media = new Map<string, Uint8Array>();
  failSends = 0;

  readonly ev = {
    on: <E extends keyof WhatsAppEvents>(event: E, listener: (data: WhatsAppEvents[E]) => void) => {
      this.#emitter.on(event, listener);
    },
  };

  emit<E extends keyof WhatsAppEvents>(event: E, data: WhatsAppEvents[E]): void {
    this.#emitter.emit(event, data);
  }

  get sent(): { jid: string; text: string; messageId: string }[] {
    return this.calls.flatMap((c) => (c.type === 'send' ? [c] : []));
  }

  async sendMessage(jid: string, content: { text: string }, options: { messageId: string }) {
    if (this.failSends > 0) {
      this.failSends--;
      throw new Error('connection closed');
    }
    this.calls.push({ type: 'send', jid, text: content.text, messageId: options.messageId });
    return undefined;
  }
  async sendPresenceUpdate(presence: 'composing' | 'paused', jid: string) {
    this.calls.push({ type: 'presence', presence, jid });
  }
  async readMessages(keys: WAMessageKey[]) {
    this.calls.push({ type: 'read', keys });
  }
  async requestPairingCode(phone: string) {
    this.calls.push({ type: 'pairingCode', phone });
    return 'ABCD1234';
  }
  async phoneOfLid(lid: string) {
    return this.lids.get(lid) ?? null;
  }
  async downloadMedia(message: WAMessage) {
    const bytes = this.media.get(message.key.id ?? '');
    if (!bytes) throw new Error('no such media');
    return bytes;
  }
  async end() {
    this.calls.push({ type: 'end' });
  }
}
