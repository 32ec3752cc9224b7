/**
 * Agents' passwords, hashed with argon2id (@node-rs/argon2: prebuilt binaries, no node-gyp). The
 * parameters are the library's defaults (OWASP's minimum for argon2id: 19 MiB, 2 passes).
 */
import { hash, verify } from '@node-rs/argon2';

/** The shortest password accepted for an agent. */
export const MIN_PASSWORD_LENGTH = 10;

/** A hash to verify against when the e-mail is unknown: the answer takes as long either way. */
let decoy: Promise<string> | null = null;

/** Hashes a password for storage (argon2id, salted, parameters in the hash). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Whether `password` matches `stored`; with no stored hash it still spends the same work. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    decoy ??= hash('decoy password, never valid');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
