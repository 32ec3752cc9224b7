import type { ConversationState, Deadline } from '../state.ts';

/**
 * The deadlines a version adds (their timers are stored before it) and drops (their timers are
 * cancelled) relative to the version before it (decision 2). Deadlines are few (the chat limit),
 * so plain scans beat building sets.
 */
export function deadlineChanges(
  previous: ConversationState | null,
  next: ConversationState,
): { added: Deadline[]; removed: Deadline[] } {
  const before = previous?.deadlines ?? [];
  const added = next.deadlines.filter((d) => !before.some((b) => b.id === d.id));
  const removed = before.filter((b) => !next.deadlines.some((d) => d.id === b.id));
  return { added, removed };
}
