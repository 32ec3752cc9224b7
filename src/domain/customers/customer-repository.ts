import { Schema, type Connection, type Model } from 'mongoose';
import { ensureCollection, modelOn } from '../model-on.ts';
import type { Customer } from './customer.ts';
import { phoneKeys } from '../phone.ts';
import { COUNTRIES } from '../types.ts';
import { normaliseEmail, normalisePhone } from './customer.ts';

interface CustomerDocument extends Omit<Customer, 'accountNumber'> {
  _id: string;
  /** Lookup keys: normalised e-mails and phones of the primary contact and authorised persons. */
  emails: string[];
  phones: string[];
}

const contactSchema = new Schema({ name: String, phone: String, email: String }, { _id: false });

const customerSchema = new Schema<CustomerDocument>(
  {
    _id: { type: String, required: true },
    contractNumbers: { type: [String], index: true },
    name: { type: String, required: true },
    country: { type: String, required: true },
    timeZone: { type: String, required: true },
    language: { type: String, required: true },
    primaryContact: { type: contactSchema, required: true },
    authorisedPersons: { type: [contactSchema], default: [] },
    distributor: {
      type: new Schema(
        { name: String, phone: String, email: String, servesItsCustomers: Boolean },
        { _id: false },
      ),
      default: null,
    },
    paymentsUpToDate: { type: Boolean, default: true },
    equipment: {
      type: [new Schema({ serial: String, description: String, location: String }, { _id: false })],
      default: [],
    },
    abuseWarnings: { type: Number, default: 0 },
    suspendedUntil: { type: Date, default: null },
    suspendedPermanently: { type: Boolean, default: false },
    emails: { type: [String], index: true },
    phones: { type: [String], index: true },
  },
  { collection: 'customers', versionKey: false },
);

function toCustomer(doc: CustomerDocument): Customer {
  return {
    accountNumber: doc._id,
    contractNumbers: [...doc.contractNumbers],
    name: doc.name,
    country: doc.country,
    timeZone: doc.timeZone,
    language: doc.language,
    primaryContact: { ...doc.primaryContact },
    authorisedPersons: doc.authorisedPersons.map((p) => ({ ...p })),
    distributor: doc.distributor ? { ...doc.distributor } : null,
    paymentsUpToDate: doc.paymentsUpToDate,
    equipment: doc.equipment.map((e) => ({ ...e })),
    abuseWarnings: doc.abuseWarnings ?? 0,
    suspendedUntil: doc.suspendedUntil ?? null,
    suspendedPermanently: doc.suspendedPermanently ?? false,
  };
}

function toDocument(customer: Customer): CustomerDocument {
  const people = [customer.primaryContact, ...customer.authorisedPersons];
  const { accountNumber, ...rest } = customer;
  return {
    ...rest,
    _id: accountNumber,
    emails: [...new Set(people.map((p) => normaliseEmail(p.email)).filter(Boolean))],
    phones: [
      ...new Set(people.map((p) => normalisePhone(p.phone, customer.country)).filter(Boolean)),
    ],
  };
}

/** Customers and their contracts, equipment and authorised persons (R000-1, R000-7). */
export class CustomerRepository {
  readonly model: Model<CustomerDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'Customer', customerSchema);
  }

  async init(): Promise<void> {
    await ensureCollection(this.model);
  }

  async findByAccount(accountNumber: string): Promise<Customer | null> {
    const doc = await this.model.findById(accountNumber.trim()).lean<CustomerDocument>();
    return doc ? toCustomer(doc) : null;
  }

  async findByContract(contractNumber: string): Promise<Customer | null> {
    const doc = await this.model
      .findOne({ contractNumbers: contractNumber.trim() })
      .lean<CustomerDocument>();
    return doc ? toCustomer(doc) : null;
  }

  /** Finds a customer by account or contract number (R004-1). */
  async findByAccountOrContract(number: string): Promise<Customer | null> {
    return (await this.findByAccount(number)) ?? (await this.findByContract(number));
  }

  async findByEmail(email: string): Promise<Customer | null> {
    const doc = await this.model
      .findOne({ emails: normaliseEmail(email) })
      .lean<CustomerDocument>();
    return doc ? toCustomer(doc) : null;
  }

  /**
   * Finds a customer by a contact's phone, written in its international form or in the
   * national form of any country served (R004-1).
   */
  async findByPhone(phone: string): Promise<Customer | null> {
    const keys = phoneKeys(phone, COUNTRIES);
    if (keys.length === 0) return null;
    const doc = await this.model.findOne({ phones: { $in: keys } }).lean<CustomerDocument>();
    return doc ? toCustomer(doc) : null;
  }

  /** Writes the whole customer record (seed data and administration). */
  async save(customer: Customer): Promise<void> {
    const doc = toDocument(customer);
    await this.model.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  /** Records the fair-use standing after a warning or suspension (R001-8, R001-11). */
  async recordAbuse(
    accountNumber: string,
    standing: Pick<Customer, 'abuseWarnings' | 'suspendedUntil' | 'suspendedPermanently'>,
  ): Promise<void> {
    await this.model.updateOne({ _id: accountNumber }, { $set: standing });
  }
}
