import { parsePhoneNumber } from 'awesome-phonenumber';
import { z } from 'zod';
import { ConfigurationError } from '../domain/errors.ts';
import type { ChannelKind } from '../domain/types.ts';

/** Digits of a number written with its country code ("+52 1 55 1234 5678" → "5215512345678"). */
function digitsOf(value: string): string {
  return value.replace(/[\s().-]/g, '').replace(/^\+/, '');
}

/**
 * A number WhatsApp can pair: international (country code first), digits only once spaces,
 * dashes and a leading "+" are dropped, and valid for its country (Mexico's old "1" after +52
 * and Argentina's "9" after +54 are taken).
 */
function isPairingPhone(value: string): boolean {
  const digits = digitsOf(value);
  if (!/^\d{8,15}$/.test(digits)) return false;
  const folded = digits.replace(/^521(\d{10})$/, '52$1').replace(/^549(\d{10})$/, '54$1');
  return parsePhoneNumber(`+${folded}`).valid;
}

/** The environment variables of the WhatsApp channel (issue 14). */
export const WHATSAPP_ENV = {
  WHATSAPP_ENABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  WHATSAPP_PAIRING_PHONE: z
    .string()
    .refine(isPairingPhone, {
      error:
        'must be the WhatsApp number with its country code, such as +5215512345678 (a pairing code is asked for it instead of a QR)',
    })
    .transform(digitsOf)
    .optional(),
};

/** WhatsApp's part of the configuration. */
export interface WhatsAppConfig {
  /** The number a pairing code is asked for (digits, country code first); null: a QR. */
  pairingPhone: string | null;
}

/**
 * The channels served once WhatsApp's switch is read: `WHATSAPP_ENABLED=true` adds it to
 * `ATIENDE_CHANNELS`; `false` while that list names it is a contradiction, refused.
 */
export function channelsWithWhatsApp(
  channels: ChannelKind[],
  enabled: 'true' | 'false' | undefined,
): ChannelKind[] {
  const listed = channels.includes('whatsapp');
  if (enabled === 'false' && listed)
    throw new ConfigurationError(
      'Invalid configuration:\n  WHATSAPP_ENABLED="false": ATIENDE_CHANNELS names whatsapp; remove it there or set WHATSAPP_ENABLED=true',
    );
  return enabled === 'true' && !listed ? [...channels, 'whatsapp'] : channels;
}
