import type { FastifyPluginAsync } from 'fastify';
import { Telegraf } from 'telegraf';
import {
  conversationIdOf,
  type InboundMessage,
  type OutboundMessage,
} from '../../bot/engine/messages.ts';
import { DatabaseUnreachable } from '../../bot/engine/errors.ts';
import { ConfigurationError, ValidationError } from '../../domain/errors.ts';
import { isLanguage, type Language } from '../../domain/types.ts';
import type { ChannelAdapter, ChannelContext } from '../channel-adapter.ts';
import { RateLimited } from '../errors.ts';
import { attachmentOf } from './attachments.ts';
import { decodeButton, deliveryIdOf, inlineKeyboard, pressedChoice } from './keyboard.ts';
import { Pacer, apiRefusal } from './pacer.ts';
import { DEFAULT_TELEGRAM_SETTINGS, type TelegramSettings } from './settings.ts';
import { textParts } from './text-parts.ts';
import { actOf, type CustomerAct, type TelegramUpdate } from './updates.ts';
import { webhookRoutes } from './webhook.ts';

const KIND = 'telegram';
/** The updates the bot asks for: messages and button presses, nothing else. */
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** Telegram shows "typing…" for 5 s: it is sent again before it fades. */
const TYPING_EVERY_MS = 4_500;
/** Versions read after a pressed button's question to tell whether a newer one was asked. */
const PRESS_LOOKAHEAD = 5;
/** Delivery ids this process sent, kept to skip the database for a resend it did itself. */
const SENT_KEPT = 10_000;
/** Tries of a message while the database does not answer, and the wait between them. */
const OUTAGE_ATTEMPTS = 6;
const OUTAGE_RETRY_MS = 2_000;
/** Chats whose open keyboard is remembered (to take it off once answered in words). */
const KEYBOARDS_KEPT = 10_000;

/**
 * Telegram, on Telegraf 4 (issue 14): long polling, or a webhook on atiende's HTTP server when a
 * public URL is set. It turns updates into `InboundMessage`s (a pressed button is a `choice`, a
 * photo or document an attachment stored in the database) and sends the engine's replies within
 * Telegram's limits, choices as inline keyboards. Translation only: what to answer is the
 * engine's.
 */
export class TelegramChannel implements ChannelAdapter {
  readonly kind = KIND;
  readonly settings: TelegramSettings;
  readonly bot: Telegraf;
  readonly pacer: Pacer;
  readonly routes?: FastifyPluginAsync;
  /** Each chat's acts, handled one after another in the order Telegram gave them. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #sent = new Set<string>();
  /** Each chat's question whose buttons are still up: removed once it is answered. */
  readonly #keyboards = new Map<string, { messageId: number; deliveryId: string }>();
  #polling: Promise<void> | null = null;

  constructor(private readonly context: ChannelContext) {
    const given = context.settings?.telegram;
    if (!given) throw new ConfigurationError('the telegram channel needs TELEGRAM_BOT_TOKEN');
    this.settings = { ...DEFAULT_TELEGRAM_SETTINGS, ...given };
    this.bot = new Telegraf(this.settings.token, {
      telegram: { apiRoot: this.settings.apiRoot },
    });
    this.pacer = new Pacer(this.settings.perChatIntervalMs, this.settings.perSecond);
    const { webhookUrl, webhookSecret } = this.settings;
    if (webhookUrl && webhookSecret)
      this.routes = webhookRoutes(webhookUrl, webhookSecret, (update) => this.receive(update));
  }

  async start(): Promise<void> {
    const telegram = this.bot.telegram;
    const { webhookUrl, webhookSecret } = this.settings;
    if (webhookUrl) {
      this.bot.botInfo = await telegram.getMe();
      await telegram.setWebhook(webhookUrl, {
        secret_token: webhookSecret ?? undefined,
        allowed_updates: [...ALLOWED_UPDATES],
      });
      this.context.logger.info({ channel: KIND }, 'telegram: webhook set');
      return;
    }
    this.bot.use((ctx) => this.receive(ctx.update as TelegramUpdate));
    // An update whose turn failed is logged; polling goes on (Telegraf would stop otherwise).
    this.bot.catch((error) =>
      this.context.logger.error({ err: error, channel: KIND }, 'telegram: update failed'),
    );
    await new Promise<void>((resolve, reject) => {
      this.#polling = this.bot
        .launch({ allowedUpdates: [...ALLOWED_UPDATES] }, resolve)
        .catch((error: unknown) => {
          this.context.logger.error({ err: error, channel: KIND }, 'telegram: polling stopped');
          reject(error as Error);
        });
    });
    this.context.logger.info({ channel: KIND }, 'telegram: long polling');
  }

  async stop(): Promise<void> {
    if (!this.#polling) return;
    this.bot.stop('atiende stops');
    await this.#polling.catch(() => undefined);
    this.#polling = null;
  }

  /**
   * Sends one reply, once: a `deliveryId` already sent (by this process, or marked in the
   * database by any) is dropped. A customer who blocked the bot (403) makes the conversation
   * unreachable: the reply is dropped, not retried; one refused as it is (400) is dropped and
   * logged. A 429 waits and tries again (the pacer); other failures go back to the engine, whose
   * outbox journal sends again later. What remains: a process that dies after Telegram took a
   * message and before its mark is stored sends it once more after the restart.
   */
  async deliver(message: OutboundMessage): Promise<void> {
    const { deliveryId, conversationId, channelUserId: chatId } = message;
    if (this.#sent.has(deliveryId)) return;
    const check = await this.context.marks.check(deliveryId, conversationId);
    if (check.sent) return this.#remember(deliveryId);
    const log = this.context.logger.child({ conversationId });
    if (check.unreachable) {
      log.info({ deliveryId }, 'telegram: reply dropped, the customer blocked the bot');
      return;
    }
    const keyboard = inlineKeyboard(message);
    const parts = textParts(message.text);
    let messageId = 0;
    try {
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        const sent = await this.pacer.run(chatId, () =>
          this.bot.telegram.sendMessage(chatId, part, {
            ...(keyboard && last ? { reply_markup: keyboard } : {}),
          }),
        );
        messageId = sent.message_id;
      }
    } catch (error) {
      const code = apiRefusal(error)?.code;
      if (code === 403) {
        const now = this.context.clock.now();
        await this.context.marks.markUnreachable(conversationId, now, 'blocked');
        log.warn({ deliveryId }, 'telegram: the customer blocked the bot; marked unreachable');
        return;
      }
      // Refused as it is (a chat that is gone, a malformed message): sending it again cannot
      // help, and the engine's recovery would try it forever.
      if (code === 400) {
        log.error({ err: error, deliveryId }, 'telegram: reply refused by the Bot API; dropped');
        return;
      }
      throw error;
    }
    this.#remember(deliveryId);
    // Sent: a mark that fails to store only leaves the window a crash leaves (resent once).
    await this.context.marks
      .markSent(deliveryId, this.context.clock.now())
      .catch((err: unknown) => log.error({ err, deliveryId }, 'telegram: sent mark not stored'));
    if (keyboard && messageId) {
      this.#removeKeyboard(chatId);
      this.#keyboards.set(chatId, { messageId, deliveryId });
      if (this.#keyboards.size > KEYBOARDS_KEPT)
        this.#keyboards.delete(this.#keyboards.keys().next().value!);
    }
  }

  /**
   * Handles one update (polling or webhook): after the earlier updates of its chat, and
   * resolving once its turn is done, so a failure is the caller's to report.
   */
  receive(update: TelegramUpdate): Promise<void> {
    const act = actOf(update);
    if (!act) return Promise.resolve();
    const previous = this.#chains.get(act.chatId) ?? Promise.resolve();
    const next = previous.then(
      () => this.#act(act),
      () => this.#act(act),
    );
    this.#chains.set(act.chatId, next);
    const forget = () => {
      if (this.#chains.get(act.chatId) === next) this.#chains.delete(act.chatId);
    };
    next.then(forget, forget);
    return next;
  }

  async #act(act: CustomerAct): Promise<void> {
    const conversationId = conversationIdOf(KIND, act.chatId);
    const log = this.context.logger.child({ conversationId });
    // Writing again after blocking the bot makes the customer reachable again.
    if (await this.context.marks.markReachable(conversationId))
      log.info('telegram: the customer wrote again; reachable');
    const language = this.#languageOf(act.localeHint);
    if (act.kind === 'command') {
      const key = act.command === 'start' ? 'telegram:start' : 'telegram:help';
      return this.#say(act, key, {}, language);
    }
    if (act.kind === 'press') return this.#press(act, conversationId, language);
    if (act.kind === 'text') {
      // Answered in words: its buttons are done (a file leaves them: "send more or Done"). Only
      // a message written after the question answers it (a redelivered one does not).
      const open = this.#keyboards.get(act.chatId);
      if (open && act.chatMessageId > open.messageId) {
        await this.context.marks.claim(open.deliveryId, act.messageId, this.context.clock.now());
        this.#removeKeyboard(act.chatId);
      }
      return this.#handle(act, { text: act.text });
    }
    const outcome = await attachmentOf(this.bot.telegram, this.settings, this.context, act);
    if (outcome.stored) {
      return this.#handle(act, { text: act.text, attachments: [outcome.attachment] });
    }
    log.info({ refusal: outcome.refusal, type: act.file.contentType }, 'telegram: file refused');
    await this.#say(act, `telegram:file.${outcome.refusal}`, outcome.params, language);
    // The words sent with a refused file still count; the file is not passed on.
    if (act.text.trim() !== '') await this.#handle(act, { text: act.text });
  }

  /** A pressed button: a choice of the question it belongs to, if that is still the latest. */
  async #press(
    act: Extract<CustomerAct, { kind: 'press' }>,
    conversationId: string,
    language: Language,
  ): Promise<void> {
    const telegram = this.bot.telegram;
    this.#removeKeyboard(act.chatId, act.keyboardMessageId);
    const ref = decodeButton(act.data);
    let choice: { id: string; label: string } | null = null;
    if (ref) {
      const after = Math.max(0, ref.version - 1);
      const page = await this.context.replies.repliesSince(conversationId, after, PRESS_LOOKAHEAD);
      const complete = page.cursor < after + PRESS_LOOKAHEAD;
      choice = pressedChoice(conversationId, ref, page.replies, complete);
      // One answer per question, whichever process takes the press: a double tap, or a button
      // pressed after the question was answered in words, is refused.
      const question = deliveryIdOf(conversationId, ref);
      const now = this.context.clock.now();
      if (choice && !(await this.context.marks.claim(question, act.messageId, now))) choice = null;
    }
    if (choice === null) {
      const text = this.context.texts.text('telegram:staleButton', {}, language);
      await telegram.answerCbQuery(act.callbackId, text).catch(() => undefined);
      return;
    }
    await telegram.answerCbQuery(act.callbackId).catch(() => undefined);
    await this.#handle(act, { text: choice.label, choice: choice.id });
  }

  /** Hands a message to the engine, "typing…" shown meanwhile. */
  async #handle(act: CustomerAct, content: Partial<InboundMessage> & { text: string }) {
    const message: InboundMessage = {
      channel: KIND,
      channelUserId: act.chatId,
      messageId: act.messageId,
      localeHint: act.localeHint,
      displayName: act.displayName,
      receivedAt: this.context.clock.now(),
      ...content,
    };
    const typing = this.#typing(act.chatId);
    try {
      await this.#handleRetrying(message);
    } catch (error) {
      if (error instanceof RateLimited) {
        if (error.reply) await this.deliver(error.reply);
        return;
      }
      if (error instanceof ValidationError) {
        this.context.logger.warn({ err: error, channel: KIND }, 'telegram: message refused');
        return;
      }
      throw error;
    } finally {
      typing.stop();
    }
  }

  /**
   * The engine's `handle`, sent again while the database does not answer: an update taken by
   * long polling is confirmed to Telegram by the next poll whatever became of it, so the
   * channel is the one to resend it (the engine answers a stored one as a duplicate).
   */
  async #handleRetrying(message: InboundMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.context.handle(message);
        return;
      } catch (error) {
        if (!(error instanceof DatabaseUnreachable) || attempt >= OUTAGE_ATTEMPTS) throw error;
        this.context.logger.warn(
          { conversationId: conversationIdOf(KIND, message.channelUserId), attempt },
          'telegram: the database does not answer; the message is tried again',
        );
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_RETRY_MS));
      }
    }
  }

  /** A text of the channel's own (help, a refused file), sent once per message it answers. */
  async #say(
    act: CustomerAct,
    key: string,
    params: Record<string, string | number>,
    language: Language,
  ): Promise<void> {
    const conversationId = conversationIdOf(KIND, act.chatId);
    const deliveryId = `${conversationId}:${act.messageId}:${key}`;
    const text = this.context.texts.text(key, params, language);
    await this.deliver({
      deliveryId,
      conversationId,
      channel: KIND,
      channelUserId: act.chatId,
      language,
      reply: { key, params },
      inReplyTo: act.messageId,
      text,
      choices: [],
    });
  }

  /** Shows "typing…" now and every few seconds until stopped. */
  #typing(chatId: string): { stop(): void } {
    const show = () =>
      void this.bot.telegram.sendChatAction(chatId, 'typing').catch(() => undefined);
    show();
    const timer = setInterval(show, TYPING_EVERY_MS);
    return { stop: () => clearInterval(timer) };
  }

  /** Takes the buttons off a chat's answered question (or off the message given). */
  #removeKeyboard(chatId: string, messageId?: number): void {
    const open = this.#keyboards.get(chatId)?.messageId;
    const id = messageId ?? open;
    if (open === id) this.#keyboards.delete(chatId);
    if (id === undefined) return;
    void this.bot.telegram
      .editMessageReplyMarkup(chatId, id, undefined, undefined)
      .catch(() => undefined); // already removed, or the message is too old to edit
  }

  #remember(deliveryId: string): void {
    this.#sent.add(deliveryId);
    if (this.#sent.size > SENT_KEPT) this.#sent.delete(this.#sent.values().next().value!);
  }

  /** Telegram's `language_code` (`en`, `pt-BR`) as one of the bot's languages. */
  #languageOf(hint: string | null): Language {
    const base = hint?.toLowerCase().split('-')[0];
    return isLanguage(base) ? base : this.context.texts.defaultLanguage;
  }
}
