/** What the compaction tests share: a step of the bench's script sent, the versions stored. */
import type { Db } from 'mongodb';
import type { Step } from '../../bench/conversation.ts';
import type { TestBot } from './runtime.ts';

/**
 * A conversation's stored documents in every generation's collection (`conversation_states`
 * and `conversation_states_<g>`), by collection: version numbers ascending, a move's stub as
 * `-n`.
 */
export async function storedByGeneration(db: Db, id: string): Promise<Record<string, number[]>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => n === 'conversation_states' || n.startsWith('conversation_states_'))
    .sort();
  const out: Record<string, number[]> = {};
  for (const name of names) {
    const docs = await db
      .collection<{ version: number; moved?: number }>(name)
      .find({ conversationId: id }, { projection: { version: 1, moved: 1 } })
      .toArray();
    if (docs.length === 0) continue;
    out[name] = docs
      .map((d) => (d.moved === undefined ? d.version : -d.version))
      .sort((a, b) => Math.abs(a) - Math.abs(b));
  }
  return out;
}

/** The version numbers stored for a conversation, ascending, in every generation (no stubs). */
export const storedIds = async (bot: TestBot, id: string) =>
  Object.values(await storedByGeneration(bot.connection.db!, id))
    .flat()
    .filter((v) => v > 0)
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
