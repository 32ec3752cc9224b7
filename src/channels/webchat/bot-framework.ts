import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import type { FastifyBaseLogger } from 'fastify';
import type { ActivityLike } from './activities.ts';
import type { WebchatSettings } from './settings.ts';

/** The part of botframework-connector's client a proactive send uses. */
interface ConnectorClient {
  conversations: { sendToConversation(id: string, activity: Activity): Promise<unknown> };
}

/** botbuilder's `CloudAdapter`, its `processActivity` reachable (it maps no errors to HTTP). */
class Adapter extends CloudAdapter {
  run(authHeader: string, activity: Activity, logic: (turn: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** One incoming turn, as the channel sees it: the activity, and how to answer in that turn. */
export interface BotTurn {
  readonly activity: ActivityLike;
  /** The reference that reaches this conversation later (kept for proactive replies). */
  readonly reference: Record<string, unknown>;
  send(activities: ActivityLike[]): Promise<void>;
}

/**
 * The Bot Framework side of the web chat, and the only place botbuilder is used (its support
 * ended in December 2025; the Microsoft 365 Agents SDK replaces it: swapping is this file).
 * With an app id, every activity must carry a Bot Framework JWT; without one it is anonymous,
 * as the Bot Framework Emulator expects, and replies are sent without a token.
 */
export class BotFrameworkBridge {
  readonly anonymous: boolean;
  readonly #adapter: Adapter;
  readonly #appId: string;

  constructor(settings: WebchatSettings, logger: FastifyBaseLogger) {
    this.anonymous = settings.appId === null;
    this.#appId = settings.appId ?? '';
    const auth = new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: settings.appId ?? '',
      MicrosoftAppPassword: settings.appPassword ?? '',
      MicrosoftAppType: settings.appType ?? (settings.appId ? 'MultiTenant' : ''),
      MicrosoftAppTenantId: settings.appTenantId ?? '',
    });
    this.#adapter = new Adapter(auth);
    this.#adapter.onTurnError = async (_turn, error) => {
      logger.error({ err: error }, 'web chat turn failed');
      throw error;
    };
  }

  /**
   * Runs one activity POSTed to `/api/messages`: checks its JWT (throws an error with
   * `statusCode` 401 when it is refused), then `onTurn`.
   */
  async process(
    authorization: string,
    body: ActivityLike,
    onTurn: (turn: BotTurn) => Promise<void>,
  ): Promise<{ status: number; body?: unknown }> {
    const invoke = await this.#adapter.run(authorization, body as Activity, async (context) => {
      await onTurn({
        activity: context.activity as ActivityLike,
        reference: TurnContext.getConversationReference(context.activity) as Record<
          string,
          unknown
        >,
        send: async (activities) => {
          await context.sendActivities(activities as Partial<Activity>[]);
        },
      });
    });
    return { status: invoke?.status ?? 200, body: invoke?.body };
  }

  /** Sends activities to a conversation no request is open for (a timer's, an agent's reply). */
  async sendTo(reference: Record<string, unknown>, activities: ActivityLike[]): Promise<void> {
    const conversation = reference as Partial<ConversationReference>;
    await this.#adapter.continueConversationAsync(this.#appId, conversation, async (context) => {
      // A new message in the conversation (sendToConversation), not a reply to the customer's
      // last one: the turn's own sending would answer the continuation event.
      const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
      for (const activity of activities) {
        const full = TurnContext.applyConversationReference(
          { ...activity } as Partial<Activity>,
          conversation,
        );
        delete full.replyToId;
        await client.conversations.sendToConversation(
          conversation.conversation!.id,
          full as Activity,
        );
      }
    });
  }
}

/** Whether an error is botbuilder's refusal of a request's credentials. */
export function isAuthenticationError(error: unknown): boolean {
  const { name, statusCode } = (error ?? {}) as { name?: string; statusCode?: number };
  return statusCode === 401 || name === 'AuthenticationError';
}
