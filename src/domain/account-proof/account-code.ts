/**
 * One-time codes that prove a conversation speaks for an account (issue 12): what a code is,
 * how long it lives, how often it may be tried and sent, how it is kept (hashed) and how the
 * address it went to is told (masked). Pure but for the random source and the hash.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { ACCOUNT_CODE_RULES } from './account-code-rules.ts';

/** A fresh code of `digits` digits from the system's secure random source. */
export function newCode(digits = ACCOUNT_CODE_RULES.digits): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
}

/** A random salt for one code's hash. */
export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}

// scrypt's memory-hard cost (about 16 MiB and tens of milliseconds a hash) puts the million
// codes of six digits out of reach of someone who reads the database for the ten minutes a
// code lives; the code itself is never stored.
const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const HASH_BYTES = 32;

/** The hash kept of a code (scrypt with the code's own salt). */
export function hashCode(code: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) =>
    scrypt(code, salt, HASH_BYTES, SCRYPT, (error, key) =>
      error ? reject(error) : resolve(key.toString('base64url')),
    ),
  );
}

/** Whether a typed code is the one whose hash was kept (compared in constant time). */
export async function codeMatches(typed: string, salt: string, hash: string): Promise<boolean> {
  const expected = Buffer.from(hash, 'base64url');
  const actual = Buffer.from(await hashCode(typed, salt), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * An e-mail address as the bot may say it to whoever is typing: the first character of the
 * mailbox and the domain, "l***@delvalle.example".
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

const HOUR_MS = 3_600_000;

/** The clock hour a code is sent in: the window of the per-account send limit. */
export function sendWindowOf(at: Date): number {
  return Math.floor(at.getTime() / HOUR_MS);
}

/** The first instant of the window after `window`: when sending is allowed again. */
export function nextWindowStart(window: number): Date {
  return new Date((window + 1) * HOUR_MS);
}
