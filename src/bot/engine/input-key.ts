/**
 * The key of the input a conversation version answered (its `answers` field, unique across the
 * collection, and the entries of `recent`): redeliveries of the same input are dropped by it.
 * Every key names its conversation, because networks number messages per chat (Telegram's
 * `message_id`, Bot Framework activity ids): the same message id from two customers is two
 * inputs.
 */
export type InputKey = string & { readonly __inputKey: unique symbol };

/** A customer's message, by the network's message id. */
export function customerInputKey(conversationId: string, messageId: string): InputKey {
  return `customer:${conversationId}:${messageId}` as InputKey;
}

/** A durable timer firing: its id already names the conversation it belongs to. */
export function timerInputKey(timerId: string): InputKey {
  return `timer:${timerId}` as InputKey;
}

/** An agent's action on a conversation, by the console's action id. */
export function agentInputKey(conversationId: string, actionId: string): InputKey {
  return `agent:${conversationId}:${actionId}` as InputKey;
}

/** Issue 16: a notice told to a conversation (a visit reminder), by the event it tells. */
export function noticeInputKey(conversationId: string, noticeId: string): InputKey {
  return `notice:${conversationId}:${noticeId}` as InputKey;
}
