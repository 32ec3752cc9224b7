/** An agent's HTTP client for the console's API, and a customer on the JSON channel. */
import { expect } from 'vitest';
import type { ConsoleRole } from '../../../src/domain/agents/agent-access.ts';
import type { Served } from '../app/serve.ts';

export interface AgentClient {
  email: string;
  cookie: string;
  csrf: string;
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  post(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  act(
    id: string,
    action: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

let agents = 0;

/** Adds an agent with a role and logs it in over HTTP. */
export async function agentOf(
  served: Served,
  role: ConsoleRole,
  name?: string,
): Promise<AgentClient> {
  const email = `agent${++agents}-${role.toLowerCase()}@example.com`;
  const password = `secret-${agents}-password`;
  await served.app.agents.access.addAgent({
    email,
    role,
    password,
    name: name ?? `Agent ${agents}`,
  });
  const res = await login(served.base, email, password);
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const { csrf } = (await res.json()) as { csrf: string };
  return clientOf(served.base, email, cookie, csrf);
}

export function clientOf(base: string, email: string, cookie: string, csrf: string): AgentClient {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers:
        method === 'GET'
          ? { cookie }
          : { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    email,
    cookie,
    csrf,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    act: (id, action, body) =>
      call('POST', `/agent/api/conversations/${encodeURIComponent(id)}/${action}`, body),
  };
}

export function login(
  base: string,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) {
  return fetch(`${base}/agent/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
}

let messages = 0;

/** Puts a JSON-channel customer of an account (MX-1001) in the agents' queue; returns the conversation id. */
export async function queuedCustomer(
  served: Served,
  userId: string,
  account = 'MX-1001',
): Promise<string> {
  const say = (body: Record<string, unknown>) =>
    served.chat({ userId, messageId: `q${++messages}`, ...body });
  await say({ text: `Hola, mi cuenta es ${account}` });
  await say({ text: 'sí' });
  const queued = await say({ choice: 'person' });
  // Queued, within office hours or not (the account's country decides).
  expect(queued.body.replies!.some((r) => r.key.startsWith('handoff.queued'))).toBe(true);
  return `http-json:${userId}`;
}

/** Everything the customer has been sent so far, by polling the JSON channel. */
export async function repliesTo(served: Served, userId: string) {
  const res = await fetch(
    `${served.base}/api/chat/${encodeURIComponent(userId)}/replies?limit=100`,
  );
  const page = (await res.json()) as {
    replies: { key: string; text: string; inReplyTo: string | null }[];
  };
  return page.replies;
}
