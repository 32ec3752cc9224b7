/**
 * Phone numbers as keys to match people by (R004-1, R000-7): the same line written as a customer
 * writes it ("55 5555 0101", "044 55 5555 0101", "0052 55 5555 0101") or as a network sends it
 * ("+52 1 55 5555 0101", "5491123456789") gives the same key. Parsing and validity come from
 * Google's libphonenumber data (awesome-phonenumber); the marks that networks and people still
 * add to mobile numbers are folded away:
 * - Mexico's "1" after +52 (dropped in 2019, still sent by WhatsApp for older accounts) and the
 *   044/045 mobile prefixes of national dialling;
 * - Argentina's "9" after +54 (international form of a mobile, absent from its landline form).
 */
import { parsePhoneNumber } from 'awesome-phonenumber';

/** Digits of a key: the country code and the national number, no "+". */
export type PhoneKey = string;

/** Folds the mobile marks of an international number's digits (country code first). */
function foldMobileMarks(digits: string): string {
  if (digits.startsWith('521') && digits.length === 13) return `52${digits.slice(3)}`;
  if (digits.startsWith('549') && digits.length === 13) return `54${digits.slice(3)}`;
  return digits;
}

/** The digits of a valid number read as international (`digits` starts with a country code). */
function international(digits: string): PhoneKey | null {
  const parsed = parsePhoneNumber(`+${foldMobileMarks(digits)}`);
  return parsed.valid ? foldMobileMarks(parsed.number.e164.slice(1)) : null;
}

/** The digits of a valid number read as national in `region` (ISO 3166-1 alpha-2). */
function national(digits: string, region: string): PhoneKey | null {
  // Mexico's old mobile prefixes of national dialling: 044/045 + ten digits.
  const local = region === 'MX' && /^04[45]\d{10}$/.test(digits) ? digits.slice(3) : digits;
  const parsed = parsePhoneNumber(local, { regionCode: region });
  return parsed.valid ? foldMobileMarks(parsed.number.e164.slice(1)) : null;
}

/**
 * The key of a phone number: international when written so ("+…", "00…"), else national in
 * `region` when one is given and the number is valid there; a number that parses nowhere keeps
 * its digits (so two equal strings still match). '' when the text holds no digits.
 */
export function phoneKey(raw: string, region?: string): PhoneKey {
  const text = raw.trim();
  const digits = text.replace(/\D/g, '');
  if (digits === '') return '';
  const written = text.startsWith('+') ? 'international' : digits.startsWith('00') ? 'idd' : null;
  if (written === 'international') return international(digits) ?? foldMobileMarks(digits);
  if (written === 'idd') return international(digits.slice(2)) ?? foldMobileMarks(digits.slice(2));
  return (
    (region ? national(digits, region) : null) ?? international(digits) ?? foldMobileMarks(digits)
  );
}

/**
 * Every key a number may stand for when its country is not known for sure: as written, and as
 * a national number of each of `regions` where it is valid there.
 */
export function phoneKeys(raw: string, regions: readonly string[]): PhoneKey[] {
  const keys = new Set<PhoneKey>([phoneKey(raw)]);
  const digits = raw.replace(/\D/g, '');
  if (!raw.trim().startsWith('+') && !digits.startsWith('00')) {
    for (const region of regions) {
      const key = national(digits, region);
      if (key) keys.add(key);
    }
  }
  keys.delete('');
  return [...keys];
}

/** Whether two written numbers are one line, reading national forms in `region`. */
export function samePhone(a: string, b: string, region?: string): boolean {
  const ka = phoneKey(a, region);
  return ka !== '' && ka === phoneKey(b, region);
}
