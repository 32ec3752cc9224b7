import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../../bot/engine/messages.ts';

/**
 * A reply as WhatsApp text: its choices as numbered options ("1. …"), in the order of
 * `choices`, so that "2", "la 2" or the option's words answer it (the flows read an option's
 * number against the same list). WhatsApp's buttons are not sent: most clients no longer show
 * those of accounts outside the Business API.
 */
export function whatsappText(message: Pick<OutboundMessage, 'text' | 'choices'>): string {
  if (message.choices.length === 0) return message.text;
  const options = message.choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
  return message.text.trim() === '' ? options : `${message.text}\n\n${options}`;
}

/**
 * The WhatsApp message id of a reply, derived from its `deliveryId`: a reply sent twice (a
 * crash between the send and its mark) carries one id, which WhatsApp clients key messages by.
 * Shaped as Baileys' own ids ("3EB0" and hex).
 */
export function messageIdOf(deliveryId: string): string {
  return `3EB0${createHash('sha256').update(deliveryId).digest('hex').toUpperCase().slice(0, 18)}`;
}
