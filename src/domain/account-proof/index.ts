/** Proof that a conversation speaks for an account (issue 12): one-time codes. */
export { ACCOUNT_CODE_RULES, type AccountCodeRules } from './account-code-rules.ts';
export { maskEmail } from './account-code.ts';
export { codeRecipient } from './recipient.ts';
export {
  AccountProofService,
  type AccountCodeStore,
  type CheckResult,
  type CodeDocument,
  type IssueDocument,
  type IssueResult,
  type TryDocument,
  type UseDocument,
} from './account-proof-service.ts';
export { AccountCodeRepository } from './account-code-repository.ts';
