/**
 * Errors named by origin and meaning, each with a stable `code` that logs and tests use.
 */
export abstract class AtiendeError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value (environment variable or policy file) is missing or invalid. */
export class ConfigurationError extends AtiendeError {
  readonly code = 'CONFIG_INVALID';
}

/**
 * A value given by a customer or an API caller does not satisfy the domain's rules. `reason`,
 * when given, names the rule broken (stable, for a screen to say it in the reader's language).
 */
export class ValidationError extends AtiendeError {
  readonly code = 'VALIDATION_FAILED';
  readonly reason: string | undefined;
  constructor(message: string, options?: { cause?: unknown; reason?: string }) {
    super(message, options);
    this.reason = options?.reason;
  }
}

/** The embedded database could not be built or started. */
export class DatabaseUnavailable extends AtiendeError {
  readonly code = 'DATABASE_UNAVAILABLE';
}

/** Something that must exist was not found. */
export class NotFoundError extends AtiendeError {
  readonly code = 'NOT_FOUND';
}

/** MongoDB's duplicate-key error (E11000): storage mechanics, kept here for the domain's callers. */
export { isDuplicateKeyError } from '../storage/index.ts';
