/**
 * Technical attention (R004-3, R001-0, R002-2, R002-3, R002-9): first-level troubleshooting,
 * the intake of a case, and the visit — one state, its steps in this order.
 */
import type { PolicyConfig } from '../../../domain/policy/index.ts';
import type { ConversationSetup } from '../actions.ts';
import { intake } from './intake.ts';
import { troubleshooting } from './troubleshooting.ts';
import { visit } from './visit.ts';

/** The `technical` state: troubleshooting, intake and visit steps, in document order. */
export function technical(s: ConversationSetup, policy: PolicyConfig) {
  return s.createStateConfig({
    initial: 'readingCategory',
    states: {
      ...troubleshooting(s, policy).states,
      ...intake(s, policy).states,
      ...visit(s, policy).states,
    },
  });
}
