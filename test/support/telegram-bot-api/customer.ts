/** A customer in a Telegram chat with the bot, as a test drives one through the emulator. */
import type { TelegramBotApiEmulator } from './emulator.ts';
import type { Customer, SentMessage, Update } from './types.ts';

/** How long the bot must stay quiet after its first answer for a turn to count as done. */
const QUIET_MS = 250;

export class TelegramCustomer {
  constructor(
    readonly api: TelegramBotApiEmulator,
    readonly who: Customer,
  ) {}

  /** Everything the bot sent this customer. */
  get messages(): SentMessage[] {
    return this.api.messagesTo(this.who.id);
  }

  /** Writes, and waits for the bot's answer; returns the messages it sent. */
  async says(text: string): Promise<SentMessage[]> {
    return this.#turn(() => this.api.userSends(this.who, text));
  }

  /** Presses the button starting with `label` on the latest message that shows one. */
  async presses(label: string): Promise<SentMessage[]> {
    const { message, button } = this.button(label);
    return this.#turn(() => this.api.userPresses(this.who, message, button));
  }

  /** Sends a photo (with a caption, if given) and waits for the answer. */
  async sendsPhoto(bytes: Buffer, caption?: string): Promise<SentMessage[]> {
    return this.#turn(() => this.api.userSendsFile(this.who, bytes, { kind: 'photo', caption }));
  }

  /** Does something and waits for the bot's answer (at least one message, then quiet). */
  async #turn(act: () => Promise<{ update: Update }>): Promise<SentMessage[]> {
    const before = this.messages.length;
    await act();
    await this.api.waitFor(this.who.id, (m) => m.length > before);
    let count = -1;
    while (count !== this.messages.length) {
      count = this.messages.length;
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    }
    return this.messages.slice(before);
  }

  /** The latest message with a button starting with `label`, and that button's text. */
  button(label: string): { message: SentMessage; button: string } {
    for (const message of [...this.messages].reverse()) {
      const button = message.reply_markup?.inline_keyboard
        .flat()
        .find((b) => b.text.startsWith(label));
      if (button) return { message, button: button.text };
    }
    throw new Error(
      `no button "${label}"; last messages: ${JSON.stringify(this.messages.slice(-2).map((m) => m.text))}`,
    );
  }
}
