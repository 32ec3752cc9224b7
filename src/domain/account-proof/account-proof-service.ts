/**
 * Proof that a conversation speaks for an account (issue 12): a one-time code sent to an
 * address the account has on record, and its check. Every guarantee is an insert against a
 * unique key (decision 0): the code document takes one of the account's send slots of the hour
 * (so at most `maxPerHour` codes are sent), each check takes one of the code's try slots (so at
 * most `maxTries` checks are judged, however many processes check at once), and the use is a
 * document of its own (so a code proves once). Nothing is updated; time is the injected clock.
 */
import type { Clock } from '../clock.ts';
import { ACCOUNT_CODE_RULES, type AccountCodeRules } from './account-code-rules.ts';
import {
  codeMatches,
  hashCode,
  maskEmail,
  newCode,
  newSalt,
  nextWindowStart,
  sendWindowOf,
} from './account-code.ts';

/** A code sent: its hash, never the code. `_id` is the account's send slot of the hour. */
export interface CodeDocument {
  _id: string;
  accountNumber: string;
  conversationId: string;
  salt: string;
  hash: string;
  /** The address it went to, masked: the address itself lives on the customer record. */
  maskedTo: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** What one effect (a turn's input) issued: a repeated turn finds it instead of a second code. */
export interface IssueDocument {
  _id: string;
  codeId: string;
  maskedTo: string;
  expiresAt: Date;
}

/** One check of a code (`<code>:<n>`), right or wrong. */
export interface TryDocument {
  _id: string;
  conversationId: string;
  at: Date;
}

/** The use of a code (its `_id` is the code's): a code proves once. */
export interface UseDocument {
  _id: string;
  conversationId: string;
  at: Date;
}

/** Where account proof keeps its documents: inserts that refuse a taken `_id`, reads by `_id`. */
export interface AccountCodeStore {
  /** Inserts a document; false when its `_id` is taken (decision 0: someone else did it). */
  insertCode(doc: CodeDocument): Promise<boolean>;
  insertIssue(doc: IssueDocument): Promise<boolean>;
  insertTry(doc: TryDocument): Promise<boolean>;
  insertUse(doc: UseDocument): Promise<boolean>;
  code(id: string): Promise<CodeDocument | null>;
  issue(id: string): Promise<IssueDocument | null>;
  use(id: string): Promise<UseDocument | null>;
}

/** What asking for a code gives. */
export type IssueResult =
  /** A new code: `code` is for the mail only, and exists nowhere else. */
  | { outcome: 'issued'; codeId: string; code: string; maskedTo: string; expiresAt: Date }
  /** The same effect asked before (a repeated turn): the code it issued then. */
  | { outcome: 'repeated'; codeId: string; maskedTo: string; expiresAt: Date }
  /** The account's codes of this hour are spent. */
  | { outcome: 'rate-limited'; retryAt: Date };

/** What checking a typed code gives. */
export type CheckResult =
  | { outcome: 'valid' }
  | { outcome: 'wrong'; triesLeft: number }
  | { outcome: 'expired' }
  /** Too many tries: this code proves nothing any more. */
  | { outcome: 'locked' }
  /** Not a code of this account and conversation, or used by another conversation. */
  | { outcome: 'invalid' };

/** Issues and checks account codes. */
export class AccountProofService {
  constructor(
    private readonly store: AccountCodeStore,
    private readonly clock: Clock,
    readonly rules: AccountCodeRules = ACCOUNT_CODE_RULES,
  ) {}

  /**
   * Issues a code for `accountNumber`, to be sent to `to` (an address of the account's record,
   * never one the customer typed). `effectKey` names the effect (the turn's input): the same
   * key gives the code it issued before instead of a second one.
   */
  async issue(request: {
    accountNumber: string;
    conversationId: string;
    to: string;
    effectKey?: string;
  }): Promise<IssueResult> {
    if (request.effectKey) {
      const earlier = await this.store.issue(request.effectKey);
      if (earlier) return { outcome: 'repeated', ...this.#issued(earlier) };
    }
    const now = this.clock.now();
    const code = newCode(this.rules.digits);
    const salt = newSalt();
    const doc: Omit<CodeDocument, '_id'> = {
      accountNumber: request.accountNumber,
      conversationId: request.conversationId,
      salt,
      hash: await hashCode(code, salt),
      maskedTo: maskEmail(request.to),
      issuedAt: now,
      expiresAt: new Date(now.getTime() + this.rules.ttlMinutes * 60_000),
    };
    const window = sendWindowOf(now);
    let codeId: string | null = null;
    for (let slot = 1; slot <= this.rules.maxPerHour && codeId === null; slot++) {
      const id = `${request.accountNumber}:${window}:${slot}`;
      if (await this.store.insertCode({ _id: id, ...doc })) codeId = id;
    }
    if (codeId === null) return { outcome: 'rate-limited', retryAt: nextWindowStart(window) };
    if (request.effectKey) {
      const issue = {
        _id: request.effectKey,
        codeId,
        maskedTo: doc.maskedTo,
        expiresAt: doc.expiresAt,
      };
      if (!(await this.store.insertIssue(issue))) {
        // The same effect ran twice at once and the other run issued first: its code counts.
        const earlier = await this.store.issue(request.effectKey);
        if (earlier) return { outcome: 'repeated', ...this.#issued(earlier) };
      }
    }
    return { outcome: 'issued', codeId, code, maskedTo: doc.maskedTo, expiresAt: doc.expiresAt };
  }

  /**
   * Checks a typed code against the code `codeId` sent to this conversation for this account.
   * Each check takes a try slot first, so a code is judged at most `maxTries` times in all.
   */
  async check(request: {
    codeId: string;
    accountNumber: string;
    conversationId: string;
    code: string;
  }): Promise<CheckResult> {
    const sent = await this.store.code(request.codeId);
    if (
      !sent ||
      sent.accountNumber !== request.accountNumber ||
      sent.conversationId !== request.conversationId
    ) {
      return { outcome: 'invalid' };
    }
    const used = await this.store.use(sent._id);
    if (used)
      return { outcome: used.conversationId === request.conversationId ? 'valid' : 'invalid' };
    const now = this.clock.now();
    if (now.getTime() > sent.expiresAt.getTime()) return { outcome: 'expired' };
    let tryNumber = 0;
    for (let n = 1; n <= this.rules.maxTries && tryNumber === 0; n++) {
      const taken = await this.store.insertTry({
        _id: `${sent._id}:${n}`,
        conversationId: request.conversationId,
        at: now,
      });
      if (taken) tryNumber = n;
    }
    if (tryNumber === 0) return { outcome: 'locked' };
    if (await codeMatches(request.code, sent.salt, sent.hash)) {
      if (
        await this.store.insertUse({
          _id: sent._id,
          conversationId: request.conversationId,
          at: now,
        })
      )
        return { outcome: 'valid' };
      const use = await this.store.use(sent._id);
      return { outcome: use?.conversationId === request.conversationId ? 'valid' : 'invalid' };
    }
    const triesLeft = this.rules.maxTries - tryNumber;
    return triesLeft > 0 ? { outcome: 'wrong', triesLeft } : { outcome: 'locked' };
  }

  #issued(issue: IssueDocument) {
    return { codeId: issue.codeId, maskedTo: issue.maskedTo, expiresAt: issue.expiresAt };
  }
}
