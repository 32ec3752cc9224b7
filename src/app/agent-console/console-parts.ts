/**
 * The agent console's parts, built once the runtime is: agents' access (credentials, sessions
 * in the database), the conversation holds and the desk, whose live events every process
 * shares through a log in the database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Connection } from 'mongoose';
import { CustomerNotices } from '../../bot/customer-notices.ts';
import { VisitOutcomeDesk } from '../../bot/visit-outcome-desk.ts';
import { AgentDesk, DeskCaseActions } from '../../bot/agent-desk/index.ts';
import type { CaseNotices } from '../../bot/mail/case-notices.ts';
import type { Runtime } from '../../bot/runtime.ts';
import { AgentAccess } from '../../domain/agents/agent-access.ts';
import { ConversationHolds } from '../../domain/agents/conversation-holds.ts';
import { LoginTries } from '../../domain/agents/login-tries.ts';
import type { ChannelLogs } from '../../domain/channel-log/index.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Logger } from '../logger.ts';

/** The agent console's parts: agents' access (credentials, sessions) and the desk. */
export interface AgentConsoleParts {
  readonly access: AgentAccess;
  readonly desk: AgentDesk;
  /** SLA pause and fair-use actions of the console (issue 16). */
  readonly caseActions: DeskCaseActions;
  /** Visit outcomes recorded from the console (issue 16). */
  readonly visits: VisitOutcomeDesk;
  /** Log-in tries, limited across every process. */
  readonly tries: LoginTries;
}

/** The demo agent's e-mail (embedded demo defaults only). */
export const DEMO_AGENT_EMAIL = 'demo@atiende.local';

/** Builds and initialises the console's parts on the runtime. */
export async function consoleParts(
  connection: Connection,
  runtime: Runtime,
  options: {
    clock: Clock;
    logs: ChannelLogs;
    eventPollMs?: number;
    closingMail?: Pick<CaseNotices, 'caseClosed'> | null;
    logger: Logger;
  },
): Promise<AgentConsoleParts> {
  const { logger } = options;
  const access = new AgentAccess(connection, runtime.domain.agents, options.clock);
  const holds = new ConversationHolds(connection);
  await access.init();
  await holds.init();
  const desk = new AgentDesk(
    runtime.engine,
    runtime.domain,
    holds,
    // A session waiting for a person or held by one has its chat-limit timer pending (R001-7),
    // due at most the chat limit from now.
    () =>
      runtime.stores.timers.conversationsWith(
        'chatLimit',
        new Date(
          options.clock.now().getTime() + runtime.domain.policy.fairUse.chatLimitMinutes * 60_000,
        ),
      ),
    {
      onError: (error, what) => logger.error({ err: error }, `agent desk: ${what} failed`),
      closingMail: options.closingMail ?? null,
      sla: runtime.sla,
      // Consoles on every process hear what happened on this one (real time: a day's log).
      feed: {
        logs: options.logs,
        processId: randomUUID(),
        now: () => new Date(),
        pollMs: options.eventPollMs ?? 1_000,
        onError: (error) => logger.error({ err: error }, 'agent desk: the shared event log failed'),
      },
    },
  );
  const caseActions = new DeskCaseActions(desk, runtime.engine, runtime.domain, runtime.sla);
  const visits = new VisitOutcomeDesk(runtime.domain, new CustomerNotices(runtime.engine));
  const tries = new LoginTries(connection, options.clock);
  return { access, desk, caseActions, visits, tries };
}

/** The console's HTTP routes: log-in, queue and desk; its case tools; visits and reports. */
export async function consoleRoutes(
  parts: AgentConsoleParts,
  runtime: Runtime,
  clock: Clock,
): Promise<((app: FastifyInstance) => Promise<void>)[]> {
  const { access, desk, caseActions, visits, tries } = parts;
  return [
    (await import('./routes.ts')).agentConsoleRoutes({
      access,
      desk,
      tries,
      mails: runtime.domain.mailOutbox,
      sections: [
        (await import('./visit-outcome-routes.ts')).visitOutcomeSection(visits),
        (await import('./report-routes.ts')).reportSection(runtime.domain.reports.days),
      ],
    }),
    (await import('./case-action-routes.ts')).caseActionRoutes({
      access,
      actions: caseActions,
      board: runtime.domain.announcements,
      clock,
    }),
  ];
}

/** The demo agent, its new password printed (embedded demo defaults only, never production). */
export async function addDemoAgent(access: AgentAccess, logger: Logger): Promise<void> {
  const password = randomBytes(9).toString('base64url');
  await access.addAgent({ email: DEMO_AGENT_EMAIL, name: 'Demo', role: 'supervisor', password });
  logger.warn(
    { demo: true, agent: DEMO_AGENT_EMAIL },
    `DEMO ONLY: agent console /agent, log in as ${DEMO_AGENT_EMAIL} with password ${password}`,
  );
}
