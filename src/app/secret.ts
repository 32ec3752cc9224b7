/**
 * A secret configuration value (`SMTP_URL` with its password): readable only by asking
 * (`reveal`), and redacted wherever it is printed, logged or serialised by accident.
 */
import { inspect } from 'node:util';

/** A URL with a password in it (`SMTP_URL`): `reveal()` for its adapter, redacted elsewhere. */
export class SecretUrl {
  readonly #value: string;
  /** The URL with its password replaced by `***`: what may be shown. */
  readonly redacted: string;

  constructor(value: string) {
    this.#value = value;
    this.redacted = redactUrl(value);
  }

  /** The value itself: for the one adapter that needs it. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return this.redacted;
  }
  toJSON(): string {
    return this.redacted;
  }
  [inspect.custom](): string {
    return `SecretUrl(${this.redacted})`;
  }
}

/** A URL with its password replaced by `***` (and anything unparsable after `:` up to `@`). */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw.replace(/:[^:@/]*@/, ':***@');
  }
}
