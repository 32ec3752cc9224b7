/** Issue 12: the flows' side of proving that a conversation speaks for an account. */
import type { Language } from '../domain/types.ts';

/** What asking for an account code gives (issue 12). */
export type SendCodeOutput =
  /** Sent (or queued) to the record's address, told masked: "l***@delvalle.example". */
  | { outcome: 'sent'; codeId: string; maskedTo: string; expiresAt: string }
  /** The account's codes of this hour are spent. */
  | { outcome: 'rate-limited'; retryAt: string }
  /** Codes cannot be sent (no mail server in production, no address on record). */
  | { outcome: 'unavailable' };

/** What checking a typed account code gives (issue 12). */
export type CheckCodeOutput =
  | { outcome: 'valid' }
  | { outcome: 'wrong'; triesLeft: number }
  /** Expired, or no longer valid (used elsewhere, not this conversation's). */
  | { outcome: 'expired' }
  /** Tried too many times. */
  | { outcome: 'locked' };

/** Issue 12: proof that a conversation speaks for an account (`FlowServices` has them too). */
export interface AccountProofServices {
  /**
   * Issue 12: sends a one-time code to the e-mail the account has on record for `person` (the
   * named person with that e-mail or phone, R000-7) or else for its primary contact — never to
   * an address typed in the conversation.
   */
  sendAccountCode: (input: {
    conversationId: string;
    accountNumber: string;
    person: { email: string; phone: string };
    language: Language;
  }) => Promise<SendCodeOutput>;
  /** Issue 12: checks a typed code against the code `codeId` sent to this conversation. */
  checkAccountCode: (input: {
    conversationId: string;
    accountNumber: string;
    codeId: string;
    code: string;
  }) => Promise<CheckCodeOutput>;
}
