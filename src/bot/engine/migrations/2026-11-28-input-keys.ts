/**
 * Until 2026-11-28 a customer's message was keyed `in:<channel>:<messageId>`, unique across all
 * conversations, so a message id that one customer had used made another customer's message
 * with the same id fail as a duplicate. Keys are now scoped to the conversation
 * (`input-key.ts`). Versions stored before keep the old keys in `recent`: a redelivery of a
 * message answered before the upgrade must still be dropped, so the engine also looks for the
 * key the message had then. Within one conversation's own `recent` the old key names that
 * conversation's message, so the lookup cannot mistake another customer's message for it.
 * Drop this module once no stored conversation has answered a message before 2026-11-28.
 */
export function legacyCustomerInputKey(channel: string, messageId: string): string {
  return `in:${channel}:${messageId}`;
}
