import { parsePhoneNumber } from 'awesome-phonenumber';
import { phoneKey } from '../../domain/phone.ts';
import { parseJid } from './jid.ts';

/** Who wrote, as the engine knows them. */
export interface Customer {
  /** The phone's key (country code first, Mexico's "1" and Argentina's "9" folded): one per person. */
  channelUserId: string;
  /** The number in international form, offered to identification; null when not known. */
  phone: string | null;
  /** A language the number's country suggests ("pt" for Brazil), or null. */
  localeHint: string | null;
}

/** Where WhatsApp numbers suggest a language other than the default. */
const LANGUAGE_OF_REGION: Record<string, string> = {
  BR: 'pt',
  PT: 'pt',
  AO: 'pt',
  MZ: 'pt',
  US: 'en',
  CA: 'en',
  GB: 'en',
  IE: 'en',
  AU: 'en',
  NZ: 'en',
};

/** The customer behind a phone number's digits (as a JID carries them). */
export function customerOfPhone(digits: string): Customer {
  const key = phoneKey(`+${digits}`);
  const region = parsePhoneNumber(`+${key}`).regionCode;
  return {
    channelUserId: key,
    phone: `+${key}`,
    localeHint: (region && LANGUAGE_OF_REGION[region]) ?? null,
  };
}

/**
 * The customer of a chat. A `@lid` chat (WhatsApp's hidden ids) is mapped to its phone number —
 * from the phone JID sent beside it, else from the mappings WhatsApp sent (`lookup`) — so a
 * customer keeps one conversation whichever id a message carries. A `@lid` never mapped keeps
 * a conversation of its own (`lid.<id>`), with no phone.
 */
export async function customerOf(
  chatJid: string,
  chatJidAlt: string | null,
  lookup: (lid: string) => Promise<string | null>,
): Promise<Customer> {
  const chat = parseJid(chatJid);
  if (chat?.kind === 'phone') return customerOfPhone(chat.user);
  const alt = parseJid(chatJidAlt);
  if (alt?.kind === 'phone') return customerOfPhone(alt.user);
  const mapped = parseJid(await lookup(chatJid));
  if (mapped?.kind === 'phone') return customerOfPhone(mapped.user);
  return { channelUserId: `lid.${chat?.user ?? chatJid}`, phone: null, localeHint: null };
}
