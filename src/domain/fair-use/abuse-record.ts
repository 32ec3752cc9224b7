/**
 * R001-8 … R001-11: a breach of the fair-use rules, recorded against the PERSON who broke it —
 * never against the whole company account, whose other contacts did nothing — with the reason
 * (rule, words, when) for agents to read.
 */

/** The fair-use rules a breach can be recorded under. */
export type FairUseRule = 'R001-8' | 'R001-9' | 'R001-10' | 'R001-11';

/**
 * Keys that name one person across sessions: the conversation's sender (`conversation:<id>`,
 * a channel and its user) and a phone number the network verified (`phone:<digits>`). Typed
 * phones or e-mails are not used: anyone could type someone else's and get them suspended.
 */
export type PersonKey = `conversation:${string}` | `phone:${string}`;

/** One breach as recorded: one insert under its own unique key (decision 0). */
export interface AbuseRecord {
  /** Unique: the turn's effect key, so a turn run again records nothing new. */
  id: string;
  person: PersonKey[];
  conversationId: string;
  /** The account the session had proven, if any: for agents, never what is suspended. */
  accountNumber: string | null;
  rule: FairUseRule;
  /** The offending words found, and the message as typed (capped). */
  words: string[];
  text: string;
  at: Date;
  /** The suspension this breach brought, if it was one too many (R001-11). */
  suspension: Suspension | null;
  /** The agent who recorded it in the console (their e-mail); absent when the bot did. */
  agent?: string | null;
}

/** R001-11: a suspension of support for a person: until an instant, or permanent. */
export interface Suspension {
  /** null: permanent (the policy's `suspensionHours: 0`). */
  until: Date | null;
  /** The policy's duration when it was decided, in hours (0: permanent). */
  hours: number;
}

/** What recording a breach decided: the person's warnings so far and any suspension. */
export interface AbuseOutcome {
  warnings: number;
  suspension: Suspension | null;
}

/** The person keys of a conversation's sender and the network-verified phone, if any. */
export function personKeys(conversationId: string, verifiedPhone: string | null): PersonKey[] {
  const keys: PersonKey[] = [`conversation:${conversationId}`];
  const digits = (verifiedPhone ?? '').replace(/\D/g, '');
  if (digits.length >= 8) keys.push(`phone:${digits}`);
  return keys;
}

/** Whether a suspension is in force at `now` (R001-11). */
export function isInForce(suspension: Suspension, now: Date): boolean {
  return suspension.until === null || suspension.until > now;
}
