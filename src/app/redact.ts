/**
 * Secrets kept out of logs and error messages: passwords in URIs (`MONGODB_URI`, `SMTP_URL`),
 * API keys and tokens in headers, configuration and environment variables.
 */

import { inspect } from 'node:util';

/** What a secret is shown as. */
export const REDACTED = '***';

/** Environment variables whose whole value is a secret. */
const SECRET_NAME = /(^|_)(API_KEY|TOKEN|SECRET|PASSWORD|PASS)$/i;

/** `scheme://user:password@`: the password of a URI, wherever it appears in a text. */
const URI_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):[^\s/?#@]*@/gi;

/** Query parameters that carry secrets in URIs (`?password=`, `&token=`…). */
const QUERY_SECRET = /([?&](?:password|pass|pwd|token|secret|api_?key|access_?token)=)[^&\s#]*/gi;

/** A text with every URI password and secret query parameter replaced by `***`. */
export function redactText(text: string): string {
  return text.replace(URI_PASSWORD, `$1:${REDACTED}@`).replace(QUERY_SECRET, `$1${REDACTED}`);
}

/** An environment variable's value as it may be shown (a configuration error, a log). */
export function shownEnvValue(name: string, value: string | undefined): string {
  if (value === undefined) return '';
  return SECRET_NAME.test(name) ? REDACTED : redactText(value);
}

/**
 * The paths pino blanks in every log line: request headers that carry credentials, and the
 * configuration's secrets wherever an object holding them is logged.
 */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'apiKey',
  '*.apiKey',
  'callbackToken',
  '*.callbackToken',
  'password',
  '*.password',
  'token',
  '*.token',
];

/** A URL with a password in it (`SMTP_URL`): `reveal()` for its adapter, redacted elsewhere. */
export class SecretUrl {
  readonly #value: string;
  /** The URL with its password replaced by `***`: what may be shown. */
  readonly redacted: string;

  constructor(value: string) {
    this.#value = value;
    this.redacted = redactText(value);
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
