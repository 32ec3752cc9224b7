/**
 * Issue 13: a customer who writes again soon after a finished session is not identified again.
 * The engine starts the new session's machine with what the session before proved and knew,
 * read from its last snapshot, within windows that keep issue 12's guarantee.
 */
import { isLanguage } from '../../../domain/types.ts';
import type { PreviousSession } from '../../../flows/contract.ts';
import type { ConversationState } from '../state.ts';

/**
 * How long after a session's last turn the next one still knows who is talking. Identifying
 * proves nothing (issue 12), so this only spares the customer the questions; half an hour is
 * "the same conversation" on a chat, and later the device may be someone else's.
 */
export const CARRY_IDENTITY_MINUTES = 30;

/**
 * How old a proof of the account (a code, issue 12) may be when a new session starts and keeps
 * it. Measured from the proof itself, never renewed by carrying it: a proof is used at most
 * this plus one session's 20 minutes (R001-7) after the code was typed, and a chain of
 * sessions cannot stretch it. Thirty minutes is three lifetimes of the code itself.
 */
export const CARRY_PROOF_MINUTES = 30;

const MINUTE = 60_000;

interface StoredContext {
  identified?: boolean;
  customer?: { accountNumber?: string } | null;
  contractNumber?: string | null;
  contact?: { name?: string; phone?: string; email?: string };
  language?: string;
  languageChosen?: boolean;
  proof?: { accountNumber?: string; by?: string; at?: string } | null;
}

/**
 * What the session before proved and knew, when it ended done (`closedDone`: not suspended,
 * not at the chat limit) with an identified customer within CARRY_IDENTITY_MINUTES of `now`;
 * null otherwise. Its proof comes along only while younger than CARRY_PROOF_MINUTES.
 */
export function previousSession(
  previous: ConversationState | null,
  now: Date,
): PreviousSession | null {
  if (!previous || previous.mode !== 'closed' || !previous.snapshot) return null;
  if (now.getTime() - previous.createdAt.getTime() > CARRY_IDENTITY_MINUTES * MINUTE) return null;
  let stored: { value?: unknown; context?: StoredContext };
  try {
    stored = JSON.parse(previous.snapshot) as typeof stored;
  } catch {
    return null;
  }
  const c = stored.context;
  const account = c?.customer?.accountNumber;
  if (stored.value !== 'closedDone' || !c?.identified || !account || !c.contact?.name) return null;
  const language = isLanguage(c.language) ? c.language : previous.language;
  const proof = c.proof;
  const proofAt = proof?.at ? Date.parse(proof.at) : NaN;
  const proofKept =
    proof?.accountNumber === account &&
    (proof.by === 'code' || proof.by === 'network-phone') &&
    now.getTime() - proofAt <= CARRY_PROOF_MINUTES * MINUTE;
  return {
    accountNumber: account,
    contractNumber: c.contractNumber ?? null,
    contact: { name: c.contact.name, phone: c.contact.phone ?? '', email: c.contact.email ?? '' },
    language,
    languageChosen: c.languageChosen === true,
    proof: proofKept
      ? { accountNumber: account, by: proof.by as 'code' | 'network-phone', at: proof.at! }
      : null,
  };
}
