/**
 * WhatsApp addresses ("JIDs": `user[:device]@server`) read without loading Baileys: who a
 * message is from, and whether it is a person at all (groups, broadcasts, status and channels
 * are not customers).
 */

/** What a JID names. */
export type JidKind = 'phone' | 'lid' | 'group' | 'broadcast' | 'newsletter' | 'other';

/** A JID's parts: `5215512345678:3@s.whatsapp.net` is user 5215512345678, device 3. */
export interface Jid {
  user: string;
  server: string;
  kind: JidKind;
}

const KIND_OF_SERVER: Record<string, JidKind> = {
  's.whatsapp.net': 'phone',
  'c.us': 'phone',
  hosted: 'phone',
  lid: 'lid',
  'hosted.lid': 'lid',
  'g.us': 'group',
  broadcast: 'broadcast',
  newsletter: 'newsletter',
};

/** The parts of a JID, or null when it is not one. */
export function parseJid(jid: string | null | undefined): Jid | null {
  if (!jid) return null;
  const at = jid.lastIndexOf('@');
  if (at <= 0) return null;
  const server = jid.slice(at + 1);
  const user = jid.slice(0, at).split(':')[0]!.split('_')[0]!;
  if (user === '') return null;
  return { user, server, kind: KIND_OF_SERVER[server] ?? 'other' };
}

/** The JID of a phone number's account (digits, country code first). */
export function phoneJid(digits: string): string {
  return `${digits}@s.whatsapp.net`;
}
