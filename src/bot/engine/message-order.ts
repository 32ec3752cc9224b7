/**
 * Messages of one conversation applied in the network's order (issue 12): a message that arrives
 * before its predecessor (`InboundMessage.sequence` − 1) waits for it — applied on this process
 * or another — a bounded real time.
 */
import type { ConversationState } from './state.ts';

/**
 * Resolves true once the conversation applied the message before `sequence` (or had nothing to
 * wait for), false when `waitMs` passed without it: the caller goes on all the same and says so.
 * `latest` reads the database, newer than the version `known`.
 */
export async function afterPredecessor(args: {
  conversationId: string;
  sequence: number;
  cached: ConversationState | undefined;
  latest: (known: number) => Promise<ConversationState | null>;
  waitMs: number;
}): Promise<boolean> {
  const { sequence } = args;
  const inOrder = (state: ConversationState | null | undefined) =>
    sequence === 1 ||
    (state !== null && state !== undefined && (state.lastSequence ?? sequence) >= sequence - 1);
  if (inOrder(args.cached)) return true;
  const deadline = Date.now() + args.waitMs;
  let known = args.cached?.version ?? 0;
  for (let wait = 10; Date.now() < deadline; wait = Math.min(wait * 2, 100)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    // Read the database: the predecessor may be applied by another process.
    const latest = await args.latest(known);
    if (inOrder(latest)) return true;
    known = latest?.version ?? known;
  }
  return false;
}

/**
 * Waits for the predecessor as `afterPredecessor` does; when it never came, counts it and says
 * so in the log (the message is applied all the same).
 */
export async function inNetworkOrder(args: {
  conversationId: string;
  sequence: number;
  cached: () => ConversationState | undefined;
  latest: (known: number) => Promise<ConversationState | null>;
  waitMs: number;
  outOfOrder: () => void;
  log?: { warn(fields: Record<string, unknown>, message: string): void } | undefined;
}): Promise<void> {
  const { conversationId, sequence } = args;
  const applied = await afterPredecessor({ ...args, cached: args.cached() });
  if (applied) return;
  args.outOfOrder();
  args.log?.warn(
    { conversationId, sequence, lastSequence: args.cached()?.lastSequence ?? null },
    'a message is applied before the one the network numbered before it',
  );
}
