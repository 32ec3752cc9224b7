import { z } from 'zod';
import { whole } from './env-values.ts';
import { AZURE_DIRECT_LINE_URL } from '../channels/webchat/azure-direct-line.ts';
import { DEFAULT_WEBCHAT_SETTINGS, type WebchatSettings } from '../channels/webchat/settings.ts';
import { COUNTRIES } from '../domain/types.ts';

/**
 * The web chat's environment variables: the Bot Framework app (`MICROSOFT_APP_*`, botbuilder's
 * names), the key of the Direct Line tokens and the limits on new conversations.
 */
export const WEBCHAT_ENV = {
  MICROSOFT_APP_ID: z.string().min(1).optional(),
  MICROSOFT_APP_PASSWORD: z.string().min(1).optional(),
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  MICROSOFT_APP_TENANT_ID: z.string().min(1).optional(),
  WEBCHAT_TOKEN_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  WEBCHAT_TOKEN_TTL_SECONDS: whole(60, 86_400, DEFAULT_WEBCHAT_SETTINGS.tokenTtlSeconds),
  WEBCHAT_CONVERSATIONS_PER_ADDRESS: whole(
    1,
    1_000_000,
    DEFAULT_WEBCHAT_SETTINGS.conversationsPerAddress,
  ),
  WEBCHAT_CONVERSATION_WINDOW_HOURS: whole(
    1,
    24 * 30,
    DEFAULT_WEBCHAT_SETTINGS.conversationWindowHours,
  ),
  WEBCHAT_COUNTRY: z.enum(COUNTRIES).optional(),
  WEBCHAT_STREAM_POLL_MS: whole(100, 60_000, DEFAULT_WEBCHAT_SETTINGS.streamPollMs),
  WEBCHAT_DIRECT_LINE_SECRET: z.string().min(1).optional(),
  WEBCHAT_DIRECT_LINE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional()
    .transform((url) => url?.replace(/\/+$/, '')),
};

type WebchatEnv = z.output<z.ZodObject<typeof WEBCHAT_ENV>>;

/** The web chat's settings from its validated variables. */
export function webchatConfigFrom(e: WebchatEnv): WebchatSettings {
  return {
    appId: e.MICROSOFT_APP_ID ?? null,
    appPassword: e.MICROSOFT_APP_PASSWORD ?? null,
    appType: e.MICROSOFT_APP_TYPE ?? null,
    appTenantId: e.MICROSOFT_APP_TENANT_ID ?? null,
    tokenSecret: e.WEBCHAT_TOKEN_SECRET ?? null,
    tokenTtlSeconds: e.WEBCHAT_TOKEN_TTL_SECONDS,
    conversationsPerAddress: e.WEBCHAT_CONVERSATIONS_PER_ADDRESS,
    conversationWindowHours: e.WEBCHAT_CONVERSATION_WINDOW_HOURS,
    country: e.WEBCHAT_COUNTRY ?? DEFAULT_WEBCHAT_SETTINGS.country,
    streamPollMs: e.WEBCHAT_STREAM_POLL_MS,
    azureDirectLine: e.WEBCHAT_DIRECT_LINE_SECRET
      ? {
          url: e.WEBCHAT_DIRECT_LINE_URL ?? AZURE_DIRECT_LINE_URL,
          secret: e.WEBCHAT_DIRECT_LINE_SECRET,
        }
      : null,
  };
}
