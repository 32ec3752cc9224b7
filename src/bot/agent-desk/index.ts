export { AgentDesk, type DeskRefusal, type DeskResult } from './agent-desk.ts';
export { type DeskEvent, DeskEvents } from './desk-events.ts';
export { DeskQueue, maySee, type ConversationView, type QueueItem } from './queue.ts';
export { DeskCaseActions, MAX_SUSPENSION_HOURS } from './case-actions.ts';
