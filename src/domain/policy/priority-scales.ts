/**
 * The priority scales of the policies, as closed lists: the internal scale every scheme maps
 * onto, and the three schemes of the source documents. Data only, so that the configuration
 * (which validates matrices over them) and the priority functions (which read the
 * configuration) both depend on this module and not on each other.
 */
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
