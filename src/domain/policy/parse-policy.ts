/**
 * A deployment's policy file read over the defaults and validated, with errors that name the
 * path and the value (`policy.officeHours.windows[1].start: "25:00" is not a time HH:mm`).
 */
import type { z } from 'zod';
import { ConfigurationError } from '../errors.ts';
import { COUNTRIES } from '../types.ts';
import { policySchema, type PolicyConfig } from './config.ts';
import { DEFAULT_POLICY } from './default-policy.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Objects merge key by key; arrays and scalars replace; `undefined` leaves the default. */
function mergeDeep(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const result: Record<string, unknown> = {};
  for (const [key, value] of [...Object.entries(base), ...Object.entries(over)]) {
    if (value === undefined) continue;
    // defineProperty: a "__proto__" key from JSON stays a key (and is reported as unknown).
    Object.defineProperty(result, key, {
      value: Object.hasOwn(result, key) ? mergeDeep(result[key], value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .reduce((a, b) => a + b, 'policy');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function formatValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

/** Sentences that read after "path: value" (zod's defaults read on their own). */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `is not ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must have at least ${issue.minimum} item(s)`
        : `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `must have at most ${issue.maximum} item(s)`
        : `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    default:
      return undefined;
  }
};

function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        return `${formatPath(path)}: ${formatValue(valueAt(input, path))} is not a known setting`;
      });
    }
    if (issue.code === 'invalid_key') {
      // record keys: report the key itself, not its value
      const key = issue.path[issue.path.length - 1];
      return [
        `${formatPath(issue.path)}: ${formatValue(key)} is not one of ${COUNTRIES.join(', ')}`,
      ];
    }
    return [
      `${formatPath(issue.path)}: ${formatValue(valueAt(input, issue.path))} ${issue.message}`,
    ];
  });
}

/**
 * Reads a deployment's policy: a partial object is merged over DEFAULT_POLICY (deeply for
 * objects; lists replace) and validated. Throws ConfigurationError naming every bad path and
 * value, e.g. `policy.officeHours.windows[1].start: "25:00" is not a time HH:mm`, so a bad
 * policy stops the start-up instead of mis-timing SLAs.
 */
export function parsePolicy(input: unknown = {}): PolicyConfig {
  const given = input ?? {};
  if (!isPlainObject(given)) {
    throw new ConfigurationError(`policy: ${formatValue(given)} is not an object`);
  }
  const { businessDayMinutes: _derived, ...defaults } = DEFAULT_POLICY;
  const merged = mergeDeep(defaults, given);
  const result = policySchema.safeParse(merged, { error: errorMap });
  if (!result.success) {
    throw new ConfigurationError(describeIssues(result.error.issues, merged).join('\n'), {
      cause: result.error,
    });
  }
  return result.data;
}
