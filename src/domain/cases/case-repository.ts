import { Schema, type Connection, type Model } from 'mongoose';
import { GroupInserter, insertOnce } from '../../storage/index.ts';
import { ensureCollection, modelOn } from '../model-on.ts';
import type { Priority } from '../policy/index.ts';
import type {
  Case,
  CaseClosure,
  CaseEvent,
  CaseNumber,
  CaseStatus,
  SupportLevel,
  SurveyAnswer,
} from './case.ts';

type CaseDocument = Omit<Case, 'number'> & { _id: string };
interface OpenMatterDocument {
  _id: string;
  caseNumber: string;
  openedAt: Date;
}
type ClosureDocument = Omit<CaseClosure, 'caseNumber'> & { _id: string };
type SurveyDocument = Omit<SurveyAnswer, 'caseNumber'> & { _id: string };

const contactSchema = new Schema({ name: String, phone: String, email: String }, { _id: false });

const caseSchema = new Schema<CaseDocument>(
  {
    _id: String,
    openedAt: { type: Date, required: true },
    status: { type: String, required: true },
    level: { type: String, required: true },
    sla: { firstContactDue: Date, responseDue: Date, solutionDue: Date },
    matterKey: { type: String, required: true },
    closedAt: { type: Date, default: null },
    accountNumber: { type: String, default: null, index: true },
    country: String,
    timeZone: String,
    requesterName: String,
    contractNumber: { type: String, default: null },
    equipmentSerial: { type: String, default: null },
    equipmentLocation: { type: String, default: null },
    contact: contactSchema,
    subject: String,
    description: String,
    stepsToReproduce: { type: String, default: null },
    type: String,
    category: { type: String, default: null },
    area: String,
    severity: { type: String, default: null },
    urgency: { type: String, default: null },
    priority: String,
    channel: String,
    conversationId: { type: String, default: null },
    attachments: [new Schema({ name: String, contentType: String, url: String }, { _id: false })],
    solvedAtFirstLevel: { type: Boolean, default: false },
    requestKey: { type: String, default: null },
    identityVerified: { type: Boolean, default: undefined },
    slaPause: { type: Schema.Types.Mixed, default: undefined },
    slaAlerts: { type: [Schema.Types.Mixed], default: undefined },
  },
  { collection: 'cases', versionKey: false },
);

const openMatterSchema = new Schema<OpenMatterDocument>(
  { _id: String, caseNumber: String, openedAt: Date },
  { collection: 'open_matters', versionKey: false },
);

const eventSchema = new Schema<CaseEvent>(
  {
    caseNumber: { type: String, required: true, index: true },
    at: { type: Date, required: true },
    kind: { type: String, required: true },
    by: { type: String, required: true },
    text: { type: String, default: '' },
    data: { type: Schema.Types.Mixed, default: undefined },
  },
  { collection: 'case_events', versionKey: false },
);

const closureSchema = new Schema<ClosureDocument>(
  {
    _id: String,
    closedAt: Date,
    attentionMinutes: Number,
    resolutionMinutes: Number,
    solvedAtFirstLevel: Boolean,
    verifiedWith: String,
  },
  { collection: 'case_closures', versionKey: false },
);

const surveySchema = new Schema<SurveyDocument>(
  { _id: String, score: Number, comment: String, answeredAt: Date },
  { collection: 'case_surveys', versionKey: false },
);

function toCase(doc: CaseDocument): Case {
  const { _id, ...rest } = doc;
  return { ...rest, number: _id as CaseNumber, attachments: [...(doc.attachments ?? [])] };
}

/**
 * Cases, their timeline, closures and surveys. Every write that carries a guarantee is an insert
 * against a unique key (decision 0); a duplicate-key error is returned as "already done".
 */
/** A case's country and time zone: what its calendar and its report counts need. */
export type CasePlace = Pick<Case, 'number' | 'country' | 'timeZone'>;

/** Cases whose place `placeOf` keeps in memory (a few hundred bytes each). */
const PLACES_KEPT = 10_000;

export class CaseRepository {
  readonly cases: Model<CaseDocument>;
  readonly openMatters: Model<OpenMatterDocument>;
  readonly events: Model<CaseEvent>;
  readonly closures: Model<ClosureDocument>;
  readonly surveys: Model<SurveyDocument>;
  // Inserts go through group commit: concurrent conversations share one insertMany per
  // collection, and a duplicate key comes back as a result, not an exception.
  readonly #caseInserts: GroupInserter;
  readonly #matterInserts: GroupInserter;
  readonly #eventInserts: GroupInserter;
  readonly escalations: Model<{ _id: string; at: Date }>;
  /** Where recent cases are (`placeOf`), oldest dropped first. */
  readonly #places = new Map<string, CasePlace>();

  constructor(connection: Connection) {
    this.cases = modelOn(connection, 'Case', caseSchema);
    this.openMatters = modelOn(connection, 'OpenMatter', openMatterSchema);
    this.events = modelOn(connection, 'CaseEvent', eventSchema);
    this.closures = modelOn(connection, 'CaseClosure', closureSchema);
    this.surveys = modelOn(connection, 'CaseSurvey', surveySchema);
    this.#caseInserts = new GroupInserter(this.cases.collection);
    this.#matterInserts = new GroupInserter(this.openMatters.collection);
    this.#eventInserts = new GroupInserter(this.events.collection);
    this.escalations = modelOn(
      connection,
      'CaseEscalation',
      new Schema<{ _id: string; at: Date }>(
        { _id: String, at: Date },
        { collection: 'case_escalations', versionKey: false },
      ),
    );
  }

  async init(): Promise<void> {
    for (const m of [this.cases, this.openMatters, this.events, this.closures, this.surveys]) {
      await ensureCollection(m);
    }
  }

  /**
   * Claims a matter for a case (R001-5): true if this call opened it, false if the matter is
   * already open under another case.
   */
  async claimMatter(key: string, caseNumber: CaseNumber, openedAt: Date): Promise<boolean> {
    return (await this.#matterInserts.insert({ _id: key, caseNumber, openedAt })) === 'inserted';
  }

  async findOpenMatter(key: string): Promise<CaseNumber | null> {
    const doc = await this.openMatters.findById(key).lean<OpenMatterDocument>();
    return doc ? (doc.caseNumber as CaseNumber) : null;
  }

  async releaseMatter(key: string): Promise<void> {
    await this.openMatters.deleteOne({ _id: key });
  }

  async insert(value: Case): Promise<void> {
    const { number, ...rest } = value;
    await this.#caseInserts.insert({ ...rest, _id: number });
    this.#remember(value);
  }

  async find(number: string): Promise<Case | null> {
    const doc = await this.cases.findById(number).lean<CaseDocument>();
    const found = doc ? toCase(doc) : null;
    if (found) this.#remember(found);
    return found;
  }

  /**
   * Issue 17: where a case is (its country and time zone, which never change) — from memory
   * for the cases this process opened or read lately, else read. The visit step needs it for
   * its calendar and its report count, a few turns after the same process opened the case.
   */
  async placeOf(number: string): Promise<CasePlace | null> {
    if (!this.#places.has(number)) await this.find(number);
    return this.#places.get(number) ?? null;
  }

  #remember(value: CasePlace): void {
    if (this.#places.size >= PLACES_KEPT) this.#places.delete(this.#places.keys().next().value!);
    this.#places.set(value.number, {
      number: value.number,
      country: value.country,
      timeZone: value.timeZone,
    });
  }

  /** The customer's cases that are not closed, newest first. */
  async openCasesOf(accountNumber: string): Promise<Case[]> {
    const docs = await this.cases
      .find({ accountNumber, status: { $ne: 'closed' } })
      .lean<CaseDocument[]>();
    return docs.map(toCase).sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime());
  }

  /**
   * Best-effort status field for listings; guarantees come from the closure insert. `closure`:
   * the closure's outcome copied onto the record, so the record and its closure agree on
   * whether the first level solved it.
   */
  async setStatus(
    number: CaseNumber,
    status: CaseStatus,
    closedAt: Date | null = null,
    closure?: Pick<CaseClosure, 'solvedAtFirstLevel'>,
  ): Promise<void> {
    await this.cases.updateOne({ _id: number }, { $set: { status, closedAt, ...closure } });
  }

  /** Appends a line to a case's timeline; an event named `once` is kept once (by `_id`). */
  async appendEvent(event: CaseEvent): Promise<void> {
    const { data, once, ...rest } = event;
    const document = data === undefined ? rest : { ...rest, data };
    await this.#eventInserts.insert(
      once === undefined ? document : { ...document, _id: `${event.caseNumber}|${once}` },
    );
  }

  async timeline(number: CaseNumber): Promise<CaseEvent[]> {
    const docs = await this.events.find({ caseNumber: number }).lean<CaseEvent[]>();
    return docs
      .map(({ caseNumber, at, kind, by, text, data }) => ({ caseNumber, at, kind, by, text, data }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Records the closure; false if the case was already closed (closed once, by insert). */
  async insertClosure(closure: CaseClosure): Promise<boolean> {
    const { caseNumber, ...rest } = closure;
    return insertOnce(() => this.closures.create({ ...rest, _id: caseNumber }));
  }

  async findClosure(number: CaseNumber): Promise<CaseClosure | null> {
    const doc = await this.closures.findById(number).lean<ClosureDocument>();
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { ...rest, caseNumber: _id as CaseNumber };
  }

  /** Claims a case's escalation (to a level, or a breach flag), once by insert; false if done. */
  async claimEscalation(
    number: CaseNumber,
    level: SupportLevel | 'first-contact-overdue',
    at: Date,
  ): Promise<boolean> {
    return insertOnce(() => this.escalations.create({ _id: `${number}:${level}`, at }));
  }

  /** Claims a mark of a case under `key` (an SLA warning or breach), once by insert. */
  async claimMark(number: CaseNumber, key: string, at: Date): Promise<boolean> {
    return insertOnce(() => this.escalations.create({ _id: `${number}:${key}`, at }));
  }

  /** Best-effort level and priority fields for listings; the escalation claim is the guarantee. */
  async setLevel(number: CaseNumber, level: SupportLevel, priority: Priority): Promise<void> {
    await this.cases.updateOne({ _id: number }, { $set: { level, priority } });
  }

  /** Records the survey answer (R002-8); false if it was already answered. */
  async insertSurvey(answer: SurveyAnswer): Promise<boolean> {
    const { caseNumber, ...rest } = answer;
    return insertOnce(() => this.surveys.create({ ...rest, _id: caseNumber }));
  }
}
