/**
 * The conversation machine's setup: its types, actors and guards, and its actions — the core
 * ones (speaking, remembering what the customer answered and what a service returned, telling
 * the engine; `actions-core.ts`) and those of the later steps (`actions-later.ts`).
 */
import type { PolicyConfig } from '../../domain/policy/index.ts';
import { coreSetup } from './actions-core.ts';
import { laterActions } from './actions-later.ts';

/** The setup every sub-flow's state configs are checked against (`createStateConfig`). */
export type ConversationSetup = ReturnType<typeof conversationSetup>;

/** The setup of the conversation machine for a deployment's policy: types, actors, guards, actions. */
export function conversationSetup(policy: PolicyConfig) {
  return laterActions(coreSetup(policy), policy);
}
