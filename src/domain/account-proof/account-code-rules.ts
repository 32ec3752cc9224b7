/** The limits of account codes (issue 12): plain data, for the domain and the flows alike. */

/** The limits of account codes; the defaults are the product's, a test may shorten them. */
export interface AccountCodeRules {
  /** Digits of a code. */
  digits: number;
  /** How long a code is valid after it is sent. */
  ttlMinutes: number;
  /** Checks of one code, right or wrong, before it is locked. */
  maxTries: number;
  /** Codes sent per account in one clock hour (a mailbox is not to be flooded). */
  maxPerHour: number;
}

/** Six digits, valid ten minutes, five tries, three codes an hour per account. */
export const ACCOUNT_CODE_RULES: AccountCodeRules = {
  digits: 6,
  ttlMinutes: 10,
  maxTries: 5,
  maxPerHour: 3,
};
