/** What the compaction tests share: a step of the bench's script sent, the versions stored. */
import type { Step } from '../../bench/conversation.ts';
import type { TestBot } from './runtime.ts';

/** The version numbers stored for a conversation, ascending. */
export const storedIds = async (bot: TestBot, id: string) =>
  (await bot.runtime.stores.versions.states.find({ conversationId: id }).toArray())
    .map((d) => d.version)
    .sort((a, b) => a - b);

/** Sends one step of a script as `user` with message id `id`: the outcome and reply keys. */
export async function send(bot: TestBot, user: string, id: string, step: Step) {
  const { message } = step;
  const inbound =
    typeof message === 'string'
      ? bot.channel.inbound(user, id, message)
      : bot.channel.inbound(user, id, '', { choice: message.choice });
  const before = bot.channel.delivered.length;
  const outcome = await bot.channel.receive(inbound);
  const replies = bot.channel.delivered.slice(before).filter((m) => m.channelUserId === user);
  return { outcome, keys: replies.map((m) => m.reply.key) };
}
