import type { PolicyConfig } from './config.ts';
import {
  PRIORITIES,
  type FairUsePriority,
  type Priority,
  type PriorityClass,
  type Severity,
  type Urgency,
} from './priority-scales.ts';

/** R001-1: maps a fair-use level (low/medium/high) to the internal scale. */
export function priorityFromFairUse(level: FairUsePriority, config: PolicyConfig): Priority {
  return config.priority.fairUse[level];
}

/** R002-3: maps the customer's severity × urgency to the internal scale through the matrix. */
export function priorityFromSeverityUrgency(
  severity: Severity,
  urgency: Urgency,
  config: PolicyConfig,
): Priority {
  return config.priority.matrix[severity][urgency];
}

/** R003-5: maps a priority class (very low … very high) to the internal scale. */
export function priorityFromClass(cls: PriorityClass, config: PolicyConfig): Priority {
  return config.priority.classes[cls];
}

/**
 * R003-8: a ticket level 1 could not solve within the response time goes to level 2 with its
 * priority raised one step; P1 has nowhere higher to go and stays P1.
 */
export function raisePriority(p: Priority): Priority {
  const index = PRIORITIES.indexOf(p);
  return PRIORITIES[Math.max(0, index - 1)] ?? p;
}

/** Compares two priorities for sorting: negative when `a` is more urgent than `b`. */
export function comparePriority(a: Priority, b: Priority): number {
  return PRIORITIES.indexOf(a) - PRIORITIES.indexOf(b);
}
