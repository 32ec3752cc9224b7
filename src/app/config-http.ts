import { z } from 'zod';
import { whole } from './env-values.ts';
import {
  DEFAULT_HTTP_JSON_SETTINGS,
  type HttpJsonSettings,
} from '../channels/http-json/settings.ts';
import type { HttpServerLimits } from './http-server.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit.ts';

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** An origin as browsers send it: `scheme://host[:port]`, nothing after. */
function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

/** A proxy as fastify's `trustProxy` takes it: an address, a CIDR range, or a named range. */
function isProxy(value: string): boolean {
  return /^(loopback|linklocal|uniquelocal|[\d.]+(\/\d{1,2})?|[\da-fA-F:.]+(\/\d{1,3})?)$/.test(
    value,
  );
}

/**
 * The environment variables of the doors: the JSON channel's key, callback and allowed origins,
 * the HTTP server's limits, and the rate limits of every inbound channel.
 */
export const HTTP_ENV = {
  ATIENDE_API_KEY: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  HTTP_JSON_CALLBACK_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  HTTP_JSON_CALLBACK_TOKEN: z.string().min(1).optional(),
  HTTP_JSON_ALLOWED_ORIGINS: z
    .string()
    .transform(list)
    .refine((origins) => origins.every(isOrigin), {
      error: 'must be a comma-separated list of origins such as https://shop.example.com',
    })
    .optional(),
  HTTP_REQUEST_TIMEOUT_MS: whole(500, 600_000, 10_000),
  HTTP_MAX_CONNECTIONS: whole(1, 1_000_000, 1_000),
  HTTP_TRUST_PROXY: z
    .string()
    .refine((value) => /^(true|false)$/.test(value) || list(value).every(isProxy), {
      error: 'must be true, false, or a comma-separated list of proxy addresses (CIDR allowed)',
    })
    .optional(),
  ATIENDE_RATE_USER_BURST: whole(1, 1_000_000, DEFAULT_RATE_LIMITS.user.burst),
  ATIENDE_RATE_USER_PER_MINUTE: whole(1, 100_000_000, DEFAULT_RATE_LIMITS.user.perMinute),
  ATIENDE_RATE_ADDRESS_BURST: whole(1, 1_000_000, DEFAULT_RATE_LIMITS.address.burst),
  ATIENDE_RATE_ADDRESS_PER_MINUTE: whole(1, 100_000_000, DEFAULT_RATE_LIMITS.address.perMinute),
};

type HttpEnv = z.output<z.ZodObject<typeof HTTP_ENV>>;

/** The doors' part of the configuration. */
export interface HttpConfig {
  httpJson: HttpJsonSettings;
  httpServer: HttpServerLimits;
  rateLimits: RateLimits;
}

/** The doors' settings from their validated variables. */
export function httpConfigFrom(e: HttpEnv): HttpConfig {
  return {
    httpJson: {
      ...DEFAULT_HTTP_JSON_SETTINGS,
      apiKey: e.ATIENDE_API_KEY ?? null,
      callbackUrl: e.HTTP_JSON_CALLBACK_URL ?? null,
      callbackToken: e.HTTP_JSON_CALLBACK_TOKEN ?? null,
      allowedOrigins: e.HTTP_JSON_ALLOWED_ORIGINS ?? [],
    },
    httpServer: {
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
      trustProxy: trustProxy(e.HTTP_TRUST_PROXY),
    },
    rateLimits: {
      user: { burst: e.ATIENDE_RATE_USER_BURST, perMinute: e.ATIENDE_RATE_USER_PER_MINUTE },
      address: {
        burst: e.ATIENDE_RATE_ADDRESS_BURST,
        perMinute: e.ATIENDE_RATE_ADDRESS_PER_MINUTE,
      },
    },
  };
}

/** fastify's `trustProxy`: whom to believe about the client's address (`X-Forwarded-For`). */
function trustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === 'false') return false;
  return value === 'true' ? true : list(value);
}
