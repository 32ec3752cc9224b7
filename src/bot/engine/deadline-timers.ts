/**
 * Decision 2: a version's deadlines as timers — those it adds are stored before it, those it
 * drops are cancelled (after it).
 */
import type { ConversationState } from './state.ts';
import type { TimerStore } from './store/index.ts';
import { deadlineChanges } from './turn/index.ts';

/** Stores the timers of the deadlines `next` adds to `previous`, and cancels those it drops. */
export async function scheduleDeadlines(
  timers: TimerStore,
  previous: ConversationState | null,
  next: ConversationState,
): Promise<void> {
  const { added, removed } = deadlineChanges(previous, next);
  if (added.length > 0) {
    await Promise.all(
      added.map((d) =>
        timers.schedule({
          _id: d.id,
          conversationId: next.conversationId,
          kind: d.kind,
          dueAt: d.dueAt,
        }),
      ),
    );
  }
  if (removed.length > 0) timers.cancel(removed);
}
