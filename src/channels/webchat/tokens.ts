import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a Direct Line token says: whose it is, for which conversation, until when. */
export interface TokenClaims {
  /** The visitor's user id (a new random one per visitor). */
  readonly userId: string;
  readonly conversationId: string;
  /** Expiry, in seconds since the epoch. */
  readonly exp: number;
}

/** Why a token was refused. */
export type TokenRefusal = 'missing' | 'malformed' | 'badSignature' | 'expired';

const PREFIX = 'atd1';

/**
 * Signs and checks the short-lived tokens that bind a web chat visitor to one user id and one
 * conversation: `atd1.<claims>.<HMAC-SHA256>`, base64url. A visitor cannot make a token for
 * another user without the key, so cannot speak or read as another.
 */
export class TokenSigner {
  #key: Buffer | null;

  /** With no secret the key is given later (`useKey`); until then nothing is signed or taken. */
  constructor(secret: string | null) {
    this.#key = secret === null ? null : Buffer.from(secret, 'utf8');
  }

  /** Whether a key is set. */
  get ready(): boolean {
    return this.#key !== null;
  }

  /** Sets the key when none was configured (one kept in the database). */
  useKey(key: Buffer): void {
    this.#key ??= key;
  }

  /** A token for these claims. */
  sign(claims: TokenClaims): string {
    const body = Buffer.from(
      JSON.stringify({ u: claims.userId, c: claims.conversationId, e: claims.exp }),
    ).toString('base64url');
    return `${PREFIX}.${body}.${this.#mac(body)}`;
  }

  /** The claims of a token this key signed and still valid at `nowSeconds`, or why not. */
  verify(token: string | null | undefined, nowSeconds: number): TokenClaims | TokenRefusal {
    if (!token) return 'missing';
    const [prefix, body, mac, extra] = token.split('.');
    if (prefix !== PREFIX || !body || !mac || extra !== undefined) return 'malformed';
    const expected = Buffer.from(this.#mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return 'badSignature';
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return 'malformed';
    }
    const { u, c, e } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof u !== 'string' || typeof c !== 'string' || typeof e !== 'number') return 'malformed';
    if (e <= nowSeconds) return 'expired';
    return { userId: u, conversationId: c, exp: e };
  }

  #mac(body: string): string {
    if (!this.#key) throw new Error('web chat: the Direct Line token key is not loaded yet');
    return createHmac('sha256', this.#key).update(`${PREFIX}.${body}`).digest('base64url');
  }
}

/** The prefix of a Direct Line visitor's user id (Bot Framework users' ids hold a colon). */
export const DIRECT_LINE_USER = 'dl_';

/** A new random token key (when none is configured, made once and kept in the database). */
export function newTokenKey(): string {
  return randomBytes(32).toString('base64url');
}

/** A new visitor: a user id and its Direct Line conversation, from one random value. */
export function newVisitor(): { userId: string; conversationId: string } {
  const id = randomBytes(16).toString('base64url');
  return { userId: `${DIRECT_LINE_USER}${id}`, conversationId: `dlc_${id}` };
}

/** The Direct Line conversation of a visitor's user id; null for a Bot Framework user. */
export function directLineConversationOf(userId: string): string | null {
  return userId.startsWith(DIRECT_LINE_USER)
    ? `dlc_${userId.slice(DIRECT_LINE_USER.length)}`
    : null;
}
