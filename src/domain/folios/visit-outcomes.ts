import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce } from '../../storage/index.ts';
import { ensureCollection, modelOn } from '../model-on.ts';
import type { VisitOutcomeRecord } from './visit-outcome.ts';

type OutcomeDocument = Omit<VisitOutcomeRecord, 'key'> & { _id: string };

const schema = new Schema<OutcomeDocument>(
  {
    _id: String,
    folioNumber: String,
    caseNumber: String,
    outcome: String,
    arrivedAt: Date,
    startedAt: { type: Date, default: null },
    endedAt: Date,
    extraTimeAcceptedInWriting: Boolean,
    note: String,
    rule: String,
    folioOutcome: String,
    customerSide: Boolean,
    freeRescheduleEarned: Boolean,
    serviceMinutes: Number,
    waitingMinutes: Number,
    agent: String,
    recordedAt: Date,
  },
  { collection: 'visit_outcomes', versionKey: false },
);

/**
 * Decision 0 for visit outcomes: one insert per visit under `<folio>@<agreed start>`. The first
 * record wins — and with it the free reschedule it may earn (R000-8/9/10); a second record of the
 * same visit, even at the same moment from another process, finds it taken.
 */
export class VisitOutcomes {
  readonly model: Model<OutcomeDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'VisitOutcome', schema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  /** Keeps the record; false when the visit already has one. */
  async claim(record: VisitOutcomeRecord): Promise<boolean> {
    const { key, ...rest } = record;
    return insertOnce(() => this.model.create({ ...rest, _id: key }));
  }

  async find(key: string): Promise<VisitOutcomeRecord | null> {
    const doc = await this.model.findById(key).lean<OutcomeDocument>();
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { ...rest, key: _id, startedAt: rest.startedAt ?? null };
  }
}
