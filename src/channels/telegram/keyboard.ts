import type { OutboundMessage } from '../../bot/engine/messages.ts';

/** Telegram refuses `callback_data` longer than this many bytes. */
export const MAX_CALLBACK_BYTES = 64;

/** Where a button's question is among a conversation's replies, and which of its choices. */
export interface ButtonRef {
  /** The version of the conversation whose turn asked the question. */
  version: number;
  /** The question's place among that turn's replies. */
  index: number;
  /** The choice's place among the question's choices. */
  choice: number;
}

/**
 * The `callback_data` of a question's buttons. It names the reply by its version and place
 * (from its `deliveryId`, `<conversation>:<version>:<index>`) and the choice by its place, never
 * the choice's own id: that keeps it a few bytes long whatever the ids (Telegram's 64-byte
 * limit), and a press is checked against the stored question, so nothing in it is trusted.
 */
export function inlineKeyboard(message: OutboundMessage): {
  inline_keyboard: { text: string; callback_data: string }[][];
} | null {
  const ref = questionRef(message.deliveryId);
  if (!ref || message.choices.length === 0) return null;
  return {
    inline_keyboard: message.choices.map((choice, i) => [
      { text: choice.label, callback_data: encodeButton({ ...ref, choice: i }) },
    ]),
  };
}

export function encodeButton(ref: ButtonRef): string {
  return `${ref.version}.${ref.index}.${ref.choice}`;
}

/** A pressed button's data, or null when it is not one of ours. */
export function decodeButton(data: string | undefined): ButtonRef | null {
  const match = data !== undefined && /^(\d{1,12})\.(\d{1,4})\.(\d{1,4})$/.exec(data);
  if (!match) return null;
  return { version: Number(match[1]), index: Number(match[2]), choice: Number(match[3]) };
}

/** The version and place of a reply, from its `deliveryId`. */
export function questionRef(deliveryId: string): Omit<ButtonRef, 'choice'> | null {
  const match = /:(\d+):(\d+)$/.exec(deliveryId);
  if (!match) return null;
  return { version: Number(match[1]), index: Number(match[2]) };
}

/** The `deliveryId` of the reply a button belongs to. */
export function deliveryIdOf(conversationId: string, ref: ButtonRef): string {
  return `${conversationId}:${ref.version}:${ref.index}`;
}

/**
 * What a pressed button answers, given the conversation's replies from the button's version
 * on: the choice (its id and label), or null when the question is gone or a newer question with buttons was
 * asked after it (an old button never answers a new question; that the question was not
 * answered already is the channel's claim, not told by the replies). `complete` says whether `replies` reach the
 * conversation's latest version; when they do not, a newer question may exist, and the press
 * is refused.
 */
export function pressedChoice(
  conversationId: string,
  ref: ButtonRef,
  replies: readonly OutboundMessage[],
  complete: boolean,
): { id: string; label: string } | null {
  if (!complete) return null;
  const id = deliveryIdOf(conversationId, ref);
  const at = replies.findIndex((r) => r.deliveryId === id);
  if (at < 0) return null;
  // A later question with buttons of its own: this one's are done. (A later reply without
  // buttons may leave it open: "take your time", "files received, send more or choose Done".)
  if (replies.slice(at + 1).some((r) => r.choices.length > 0)) return null;
  return replies[at]!.choices[ref.choice] ?? null;
}
