import type { PolicyConfig } from './config.ts';

/**
 * The internal five-level priority scale every policy scheme maps onto (P1 highest). The three
 * source documents disagree (R001-1, R002-3, R003-5); one scale lets queues and SLAs ignore that.
 */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
/** One level of the internal scale; P1 is the most urgent. */
export type Priority = (typeof PRIORITIES)[number];

/** Customer-declared severity of a fault (R002-3), most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** R002-3: severity as the customer gives it. */
export type Severity = (typeof SEVERITIES)[number];

/** Customer-declared urgency of a fault (R002-3), most urgent first. */
export const URGENCIES = ['critical', 'high', 'medium', 'low'] as const;
/** R002-3: urgency as the customer gives it. */
export type Urgency = (typeof URGENCIES)[number];

/** The fair-use policy's three levels (R001-1), lowest first. */
export const FAIR_USE_PRIORITIES = ['low', 'medium', 'high'] as const;
/** R001-1: low = questions, medium = medium-impact errors, high = service unusable. */
export type FairUsePriority = (typeof FAIR_USE_PRIORITIES)[number];

/** The software company's five classes (R003-5), lowest first. */
export const PRIORITY_CLASSES = ['very-low', 'low', 'medium', 'high', 'very-high'] as const;
/** R003-5: very low = incomplete information … very high = normal operation prevented. */
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

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
