/**
 * Who may use the agent console: agents' credentials (argon2id hashes) and their sessions,
 * kept in the database. A session is a document inserted under the SHA-256 of a random token
 * (decision 0: claimed by insert; the token itself is never stored), read by `_id`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from '../clock.ts';
import { ValidationError } from '../errors.ts';
import { ensureCollection, modelOn } from '../model-on.ts';
import type { Country } from '../types.ts';
import type { Agent, AgentRepository } from './agent.ts';
import { MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from './passwords.ts';

/** What an agent may do in the console: L1 sees level-1 work, L2 all, a supervisor all (R003-8). */
export type ConsoleRole = 'L1' | 'L2' | 'supervisor';
export const CONSOLE_ROLES: readonly ConsoleRole[] = ['L1', 'L2', 'supervisor'];

/** An agent's console role from the stored agent. */
export function consoleRole(agent: Agent): ConsoleRole {
  return agent.role === 'agent' ? agent.level : 'supervisor';
}

/** How long a console session lasts (a working shift), whatever it does. */
export const SESSION_HOURS = 12;

/** A console session as a request sees it. */
export interface AgentSession {
  agent: Agent;
  role: ConsoleRole;
  /** The token every state-changing request must echo (CSRF). */
  csrf: string;
  expiresAt: Date;
}

interface CredentialDocument {
  _id: string;
  hash: string;
  changedAt: Date;
}

interface SessionDocument {
  _id: string;
  email: string;
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
}

const credentialSchema = new Schema<CredentialDocument>(
  { _id: String, hash: String, changedAt: Date },
  { collection: 'agent_credentials', versionKey: false },
);
const sessionSchema = new Schema<SessionDocument>(
  { _id: String, email: String, csrf: String, createdAt: Date, expiresAt: Date },
  { collection: 'agent_sessions', versionKey: false },
);

/** The SHA-256 of a session token: what the database keys the session by. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Agents' credentials and console sessions. */
export class AgentAccess {
  readonly #credentials: Model<CredentialDocument>;
  readonly #sessions: Model<SessionDocument>;

  constructor(
    connection: Connection,
    private readonly agents: AgentRepository,
    private readonly clock: Clock,
  ) {
    this.#credentials = modelOn(connection, 'AgentCredential', credentialSchema);
    this.#sessions = modelOn(connection, 'AgentSession', sessionSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.#credentials);
    await ensureCollection(this.#sessions);
  }

  /** Creates or updates an agent with a console role and a password (kept only as a hash). */
  async addAgent(input: {
    email: string;
    name?: string;
    role: ConsoleRole;
    password: string;
    countries?: Country[];
  }): Promise<Agent> {
    const email = input.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new ValidationError(`not an e-mail: ${email}`);
    if (input.password.length < MIN_PASSWORD_LENGTH)
      throw new ValidationError(`a password needs ${MIN_PASSWORD_LENGTH} characters or more`);
    const agent: Agent = {
      email,
      name: input.name?.trim() || email.split('@')[0]!,
      level: input.role === 'L1' ? 'L1' : 'L2',
      role: input.role === 'supervisor' ? 'supervisor' : 'agent',
      countries: input.countries ?? [],
    };
    await this.agents.save(agent);
    const hash = await hashPassword(input.password);
    await this.#credentials.replaceOne(
      { _id: email },
      { hash, changedAt: this.clock.now() },
      { upsert: true },
    );
    return agent;
  }

  /** The agent with this e-mail, or null. */
  async find(email: string): Promise<Agent | null> {
    const doc = await this.agents.model.findById(email.trim().toLowerCase()).lean();
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { ...rest, email: _id } as Agent;
  }

  /** The agent whose password this is; null for a wrong password or an unknown e-mail alike. */
  async verify(email: string, password: string): Promise<Agent | null> {
    const key = email.trim().toLowerCase();
    const stored = await this.#credentials.findById(key).lean();
    const ok = await verifyPassword(stored?.hash ?? null, password);
    return ok ? this.find(key) : null;
  }

  /** Opens a session: the token for the cookie (returned once, never stored) and its CSRF token. */
  async openSession(email: string): Promise<{ token: string; csrf: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const createdAt = this.clock.now();
    const expiresAt = new Date(createdAt.getTime() + SESSION_HOURS * 3_600_000);
    await this.#sessions.create({ _id: tokenHash(token), email, csrf, createdAt, expiresAt });
    return { token, csrf, expiresAt };
  }

  /** The live session of a token, or null (unknown, expired, or its agent is gone). */
  async session(token: string): Promise<AgentSession | null> {
    if (!token || token.length > 200) return null;
    const doc = await this.#sessions.findById(tokenHash(token)).lean();
    if (!doc || doc.expiresAt <= this.clock.now()) return null;
    const agent = await this.find(doc.email);
    if (!agent) return null;
    return { agent, role: consoleRole(agent), csrf: doc.csrf, expiresAt: doc.expiresAt };
  }

  /** Ends a session (log-out): deleted by `_id`. */
  async closeSession(token: string): Promise<void> {
    await this.#sessions.deleteOne({ _id: tokenHash(token) });
  }
}
