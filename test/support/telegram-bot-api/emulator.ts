/**
 * A Telegram Bot API emulator for tests (issue 14): the HTTP surface a bot uses, on 127.0.0.1,
 * so the real Telegraf client talks to it as to Telegram. `POST /bot<token>/<method>` for
 * getMe, getUpdates (long polling with `offset` and `timeout`), sendMessage,
 * editMessageReplyMarkup, answerCallbackQuery, sendChatAction, getFile, setWebhook and
 * deleteWebhook; `GET /file/bot<token>/<path>` for downloads; webhook delivery to the bot with
 * or without the secret; programmable refusals (429 with `retry_after`, 403 of a blocked user).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Customer, SentMessage, Update } from './types.ts';

export type { Customer, SentMessage, Update } from './types.ts';

interface Fault {
  method: string;
  chatId?: number;
  times: number;
  error: { error_code: number; description: string; parameters?: { retry_after: number } };
}

interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  bytes: Buffer;
}

/** An API call as the emulator received it. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  /** What it was answered: true for ok, else the error code. */
  ok: true | number;
}

export class TelegramBotApiEmulator {
  readonly token = `${100000 + Math.floor(Math.random() * 900000)}:${randomBytes(24).toString('base64url')}`;
  readonly calls: ApiCall[] = [];
  readonly sent: SentMessage[] = [];
  readonly #queue: Update[] = [];
  /** Updates given again whatever the offset: a bot that died before confirming them. */
  readonly #replays: Update[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #faults: Fault[] = [];
  readonly #blocked = new Set<number>();
  readonly #files = new Map<string, StoredFile>();
  readonly #nextMessageId = new Map<number, number>();
  #nextUpdateId = 100_000 + Math.floor(Math.random() * 1_000_000);
  #server: Server | null = null;
  webhook: { url: string; secret: string | null } | null = null;

  /** Listens on a free port of 127.0.0.1. */
  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#serve(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const wake of this.#waiters) wake();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  /** The API root to give the bot (`TELEGRAM_API_ROOT`). */
  get apiRoot(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  /** The next calls of `method` (to `chatId` if given) are refused with this error. */
  failNext(
    method: string,
    error: Fault['error'],
    options: { times?: number; chatId?: number } = {},
  ): void {
    this.#faults.push({ method, error, times: options.times ?? 1, chatId: options.chatId });
  }

  /** The customer blocks the bot: every send to them is refused with 403 until unblocked. */
  block(chatId: number): void {
    this.#blocked.add(chatId);
  }

  unblock(chatId: number): void {
    this.#blocked.delete(chatId);
  }

  /** A customer writes. Delivered by webhook when one is set (its status returned), else queued. */
  async userSends(customer: Customer, text: string): Promise<{ update: Update; status?: number }> {
    return this.#emit(customer, (message) => ({ ...message, text }));
  }

  /** A customer sends a photo (Telegram's sizes, largest last) or a document, with a caption. */
  async userSendsFile(
    customer: Customer,
    bytes: Buffer,
    options: {
      kind: 'photo' | 'document';
      caption?: string;
      fileName?: string;
      mimeType?: string;
      /** The size Telegram declares (defaults to the real one). */
      declaredSize?: number;
    },
  ): Promise<{ update: Update; status?: number }> {
    const file = this.addFile(bytes, options.kind === 'photo' ? 'photos/file.jpg' : 'documents/f');
    const size = options.declaredSize ?? bytes.length;
    const media =
      options.kind === 'photo'
        ? {
            photo: [
              {
                file_id: `thumb-${file.file_id}`,
                file_unique_id: `thumb-${file.file_unique_id}`,
                file_size: 1_000,
                width: 90,
                height: 90,
              },
              {
                file_id: file.file_id,
                file_unique_id: file.file_unique_id,
                file_size: size,
                width: 1280,
                height: 960,
              },
            ],
          }
        : {
            document: {
              file_id: file.file_id,
              file_unique_id: file.file_unique_id,
              file_size: size,
              file_name: options.fileName ?? 'report.pdf',
              mime_type: options.mimeType ?? 'application/pdf',
            },
          };
    return this.#emit(customer, (message) => ({
      ...message,
      ...media,
      ...(options.caption ? { caption: options.caption } : {}),
    }));
  }

  /** A customer presses a button of a message the bot sent. */
  async userPresses(
    customer: Customer,
    sent: SentMessage,
    buttonText: string,
  ): Promise<{ update: Update; status?: number }> {
    const button = sent.reply_markup?.inline_keyboard.flat().find((b) => b.text === buttonText);
    if (!button) throw new Error(`no button "${buttonText}" on message ${sent.message_id}`);
    const update: Update = {
      update_id: this.#nextUpdateId++,
      callback_query: {
        id: randomBytes(8).toString('hex'),
        from: userOf(customer),
        chat_instance: String(customer.id),
        message: {
          message_id: sent.message_id,
          chat: chatOf(customer),
          date: now(),
          text: sent.text,
        },
        data: button.callback_data,
      },
    };
    return this.deliver(update);
  }

  /** Hands an update to the bot: by webhook (with its secret) when one is set, else queued. */
  async deliver(update: Update): Promise<{ update: Update; status?: number }> {
    if (this.webhook) {
      const status = await this.postToWebhook(update, this.webhook.secret);
      return { update, status };
    }
    this.#queue.push(update);
    for (const wake of this.#waiters) wake();
    return { update };
  }

  /**
   * Gives an update again, as Telegram does to a bot that took it and died before confirming it
   * (polling), or whose webhook did not answer in time.
   */
  async replay(update: Update): Promise<{ update: Update; status?: number }> {
    if (this.webhook) return this.deliver(update);
    this.#replays.push(update);
    for (const wake of this.#waiters) wake();
    return { update };
  }

  /** Replayed updates the bot has not fetched yet. */
  get pendingReplays(): number {
    return this.#replays.length;
  }

  /** Posts an update to the webhook with the secret given (null: no header); its status. */
  async postToWebhook(update: Update, secret: string | null): Promise<number> {
    if (!this.webhook) throw new Error('no webhook is set');
    const response = await fetch(this.webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
      },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** Stores a file for `getFile` and download. */
  addFile(bytes: Buffer, prefix: string): StoredFile {
    const id = randomBytes(6).toString('hex');
    const file = {
      file_id: `file-${id}`,
      file_unique_id: `uniq-${id}`,
      file_path: `${prefix}-${id}`,
      bytes,
    };
    this.#files.set(file.file_id, file);
    return file;
  }

  /** The messages sent to a chat, in the order they were accepted. */
  messagesTo(chatId: number): SentMessage[] {
    return this.sent.filter((m) => m.chat_id === chatId);
  }

  /** Waits until `predicate` holds of the chat's messages (polled), or fails after `ms`. */
  async waitFor(
    chatId: number,
    predicate: (messages: SentMessage[]) => boolean,
    ms = 15_000,
  ): Promise<SentMessage[]> {
    const end = Date.now() + ms;
    for (;;) {
      const messages = this.messagesTo(chatId);
      if (predicate(messages)) return messages;
      if (Date.now() > end)
        throw new Error(
          `timed out; chat ${chatId} got: ${JSON.stringify(messages.map((m) => m.text.slice(0, 60)))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Calls of a method (to a chat, if given). */
  callsOf(method: string, chatId?: number): ApiCall[] {
    return this.calls.filter(
      (c) => c.method === method && (chatId === undefined || Number(c.params.chat_id) === chatId),
    );
  }

  async #emit(
    customer: Customer,
    fill: (message: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<{ update: Update; status?: number }> {
    const message = fill({
      message_id: this.#messageId(customer.id),
      from: userOf(customer),
      chat: chatOf(customer),
      date: now(),
    });
    return this.deliver({ update_id: this.#nextUpdateId++, message } as Update);
  }

  #messageId(chatId: number): number {
    const id = this.#nextMessageId.get(chatId) ?? 1;
    this.#nextMessageId.set(chatId, id + 1);
    return id;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && file) {
      const stored = [...this.#files.values()].find((f) => f.file_path === file[2]);
      if (file[1] !== this.token || !stored) return void res.writeHead(404).end();
      return void res
        .writeHead(200, { 'content-type': 'application/octet-stream' })
        .end(stored.bytes);
    }
    const call = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!call) return void res.writeHead(404).end();
    const params = { ...Object.fromEntries(url.searchParams), ...(await jsonBody(req)) };
    const method = call[2]!;
    const answer = (status: number, body: object, ok: true | number) => {
      this.calls.push({ method, params, at: Date.now(), ok });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (call[1] !== this.token)
      return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' }, 401);
    const refusal = this.#refusal(method, params);
    if (refusal) return answer(refusal.error_code, { ok: false, ...refusal }, refusal.error_code);
    const result = await this.#method(method, params, req);
    if (result === undefined)
      return answer(404, { ok: false, error_code: 404, description: 'Not Found' }, 404);
    answer(200, { ok: true, result }, true);
  }

  #refusal(method: string, params: Record<string, unknown>): Fault['error'] | null {
    const chatId = params.chat_id === undefined ? undefined : Number(params.chat_id);
    const at = this.#faults.findIndex(
      (f) => f.method === method && (f.chatId === undefined || f.chatId === chatId),
    );
    if (at >= 0) {
      const fault = this.#faults[at]!;
      if (--fault.times <= 0) this.#faults.splice(at, 1);
      return fault.error;
    }
    if (chatId !== undefined && this.#blocked.has(chatId) && method.startsWith('send'))
      return { error_code: 403, description: 'Forbidden: bot was blocked by the user' };
    if (method === 'getUpdates' && this.webhook)
      return {
        error_code: 409,
        description: "Conflict: can't use getUpdates while webhook is active",
      };
    return null;
  }

  async #method(
    method: string,
    p: Record<string, unknown>,
    req: IncomingMessage,
  ): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return {
          id: Number(this.token.split(':')[0]),
          is_bot: true,
          first_name: 'Atiende',
          username: 'atiende_test_bot',
        };
      case 'getUpdates':
        return this.#getUpdates(p, req);
      case 'sendMessage': {
        const chatId = Number(p.chat_id);
        const message: SentMessage = {
          message_id: this.#messageId(chatId),
          chat_id: chatId,
          text: String(p.text),
          reply_markup: (p.reply_markup as SentMessage['reply_markup']) ?? null,
          at: Date.now(),
        };
        this.sent.push(message);
        return {
          message_id: message.message_id,
          chat: { id: chatId, type: 'private' },
          date: now(),
          text: message.text,
        };
      }
      case 'editMessageReplyMarkup': {
        const message = this.sent.find(
          (m) => m.chat_id === Number(p.chat_id) && m.message_id === Number(p.message_id),
        );
        if (message) message.reply_markup = (p.reply_markup as SentMessage['reply_markup']) ?? null;
        return true;
      }
      case 'answerCallbackQuery':
      case 'sendChatAction':
        return true;
      case 'getFile': {
        const file = this.#files.get(String(p.file_id));
        return (
          file && {
            file_id: file.file_id,
            file_unique_id: file.file_unique_id,
            file_size: file.bytes.length,
            file_path: file.file_path,
          }
        );
      }
      case 'setWebhook':
        this.webhook = { url: String(p.url), secret: (p.secret_token as string) ?? null };
        return true;
      case 'deleteWebhook':
        this.webhook = null;
        return true;
      default:
        return undefined;
    }
  }

  /** Long polling: the updates from `offset` on, waiting up to `timeout` seconds for one. */
  async #getUpdates(p: Record<string, unknown>, req: IncomingMessage): Promise<Update[]> {
    const offset = Number(p.offset ?? 0);
    const limit = Number(p.limit ?? 100);
    // Updates before the offset are confirmed: Telegram forgets them.
    while (this.#queue.length > 0 && this.#queue[0]!.update_id < offset) this.#queue.shift();
    if (this.#replays.length > 0) return this.#replays.splice(0, limit);
    if (this.#queue.length === 0 && Number(p.timeout ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Number(p.timeout) * 1000);
        this.#waiters.add(wake);
        req.on('close', wake);
      });
    }
    return this.#queue.slice(0, limit);
  }
}

function userOf(customer: Customer) {
  return {
    id: customer.id,
    is_bot: false,
    first_name: customer.firstName ?? 'Cliente',
    ...(customer.languageCode ? { language_code: customer.languageCode } : {}),
  };
}

function chatOf(customer: Customer) {
  return { id: customer.id, type: 'private', first_name: customer.firstName ?? 'Cliente' };
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  return JSON.parse(text) as Record<string, unknown>;
}
