/**
 * The states one flow sends the customer to in another, by absolute id, each named once.
 * Stored snapshots name these states: their ids never change.
 */
const CONVERSATION = '#bot.session.conversation';

/** Absolute targets, for transitions that leave their own sub-flow. */
export const TO = {
  /** R001-8: a warning, or the suspension (root level). */
  recordingAbuse: '#bot.recordingAbuse',
  closedDone: '#bot.closedDone',
  closedSuspended: '#bot.closedSuspended',
  /** Back to the question the customer was answering (deep history). */
  history: `${CONVERSATION}.hist`,
  identification: `${CONVERSATION}.identification`,
  identified: `${CONVERSATION}.identification.confirmed`,
  contactDetails: `${CONVERSATION}.contactDetails`,
  triage: `${CONVERSATION}.triage`,
  prospect: `${CONVERSATION}.prospect`,
  prospectCase: `${CONVERSATION}.prospect.openingCase`,
  survey: `${CONVERSATION}.survey`,
  /** Issue 12: proving the account, and the steps a proof gate stands before. */
  proof: `${CONVERSATION}.proof`,
  followUp: `${CONVERSATION}.followUp`,
  followUpDeciding: `${CONVERSATION}.followUp.deciding`,
  /** Issue 13: a visit seen, confirmed or moved. */
  visits: `${CONVERSATION}.visits`,
  requestDescription: `${CONVERSATION}.request.askingDescription`,
  requestOpeningCase: `${CONVERSATION}.request.openingCase`,
  cancellationContracts: `${CONVERSATION}.cancellation.checkingContracts`,
  cancellationRegistering: `${CONVERSATION}.cancellation.registering`,
  anythingElse: `${CONVERSATION}.anythingElse`,
  /** A service failed: say so and hand off. */
  failure: `${CONVERSATION}.failure`,
  handoff: `${CONVERSATION}.handoff`,
  /** Issue 13: the customer waiting for a person writes; and leaves the queue for the bot. */
  handoffWaiting: `${CONVERSATION}.handoff.waiting`,
  afterQueue: `${CONVERSATION}.handoff.leaving`,
} as const;
