import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollection, modelOn } from '../model-on.ts';
import type { SupportLevel } from '../cases/case.ts';
import type { Country } from '../types.ts';

/** A human agent who takes over escalated conversations (R003-8: L1 or L2). */
export interface Agent {
  email: string;
  name: string;
  level: SupportLevel;
  role: 'agent' | 'supervisor' | 'admin';
  countries: Country[];
}

type AgentDocument = Omit<Agent, 'email'> & { _id: string };

const schema = new Schema<AgentDocument>(
  { _id: String, name: String, level: String, role: String, countries: [String] },
  { collection: 'agents', versionKey: false },
);

export class AgentRepository {
  readonly model: Model<AgentDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'Agent', schema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  async save(agent: Agent): Promise<void> {
    const { email, ...rest } = agent;
    await this.model.replaceOne({ _id: email.toLowerCase() }, rest, { upsert: true });
  }

  async list(): Promise<Agent[]> {
    const docs = await this.model.find().lean<AgentDocument[]>();
    return docs.map(({ _id, ...rest }) => ({ ...rest, email: _id }));
  }
}
