import type { AzureDirectLine } from './azure-direct-line.ts';

/** The web chat's settings (configuration: `MICROSOFT_APP_*`, `WEBCHAT_*`). */
export interface WebchatSettings {
  /**
   * The bot's Microsoft app id: with one, `/api/messages` accepts only activities signed by the
   * Bot Framework (JWT); without one it is anonymous, as the Bot Framework Emulator expects.
   */
  readonly appId: string | null;
  readonly appPassword: string | null;
  /** `MultiTenant`, `SingleTenant` or `UserAssignedMSI` (botbuilder's `MicrosoftAppType`). */
  readonly appType: string | null;
  readonly appTenantId: string | null;
  /**
   * The HMAC key that signs Direct Line tokens. Null: a random key made once and kept in the
   * database, so every process and a restart accept the tokens given (anyone who reads the
   * database could forge them: set one outside a trial).
   */
  readonly tokenSecret: string | null;
  /** How long a Direct Line token lives; the page renews it before then. */
  readonly tokenTtlSeconds: number;
  /** New web chat conversations one address may open per window (Chatwoot allows about 6/12 h). */
  readonly conversationsPerAddress: number;
  readonly conversationWindowHours: number;
  /** The country whose calendar the page's office-hours notice follows (R003-2). */
  readonly country: string;
  /** How often an open Direct Line stream looks for replies another process gave (ms). */
  readonly streamPollMs: number;
  /**
   * Azure Bot Service's Direct Line for the `/webchat` page (its secret stays on the server);
   * null: the page talks to atiende's own Direct Line.
   */
  readonly azureDirectLine: AzureDirectLine | null;
}

/** Anonymous Bot Framework, a token key kept in the database, 6 new conversations per address in 12 h. */
export const DEFAULT_WEBCHAT_SETTINGS: WebchatSettings = {
  appId: null,
  appPassword: null,
  appType: null,
  appTenantId: null,
  tokenSecret: null,
  tokenTtlSeconds: 30 * 60,
  conversationsPerAddress: 6,
  conversationWindowHours: 12,
  country: 'MX',
  streamPollMs: 1_000,
  azureDirectLine: null,
};
