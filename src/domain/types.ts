/** Shared domain vocabulary. */

/**
 * The networks a conversation runs on, each served by one adapter in `src/channels` (its
 * registry is checked against this list by the compiler). Adding a network adds its name here.
 */
export const CHANNEL_KINDS = ['terminal', 'http-json', 'telegram', 'whatsapp', 'webchat'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/**
 * Where a request recorded on a case came from (R004-0): a conversation's network, or a call
 * or an e-mail taken by a person.
 */
export const REQUEST_ORIGINS = [...CHANNEL_KINDS, 'phone', 'email'] as const;
export type RequestOrigin = (typeof REQUEST_ORIGINS)[number];

/** Countries served by the regional contact centre (R002-1). */
export const COUNTRIES = ['MX', 'CO', 'VE'] as const;
export type Country = (typeof COUNTRIES)[number];

/** Languages the bot speaks: Spanish first. */
export const LANGUAGES = ['es', 'en', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A person to talk to: name, phone and e-mail (R002-2 E, R004-1). */
export interface Contact {
  name: string;
  phone: string;
  email: string;
}

export function isCountry(value: unknown): value is Country {
  return typeof value === 'string' && (COUNTRIES as readonly string[]).includes(value);
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
