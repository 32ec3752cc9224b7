import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { insertOnce } from '../../storage/index.ts';
import type {
  AccountCodeStore,
  CodeDocument,
  IssueDocument,
  TryDocument,
  UseDocument,
} from './account-proof-service.ts';

/**
 * Account codes on MongoDB: four collections written by insert only and read by `_id` only
 * (decision 0; FerretDB v1 reads by `_id` through its index and scans for anything else).
 */
export class AccountCodeRepository implements AccountCodeStore {
  readonly codes: Collection<CodeDocument>;
  readonly issues: Collection<IssueDocument>;
  readonly tries: Collection<TryDocument>;
  readonly uses: Collection<UseDocument>;

  constructor(private readonly connection: Connection) {
    this.codes = connection.collection<CodeDocument>('account_codes');
    this.issues = connection.collection<IssueDocument>('account_code_issues');
    this.tries = connection.collection<TryDocument>('account_code_tries');
    this.uses = connection.collection<UseDocument>('account_code_uses');
  }

  /** Creates the collections (an insert's unique key is `_id`: no other index is needed). */
  async init(): Promise<void> {
    for (const c of [this.codes, this.issues, this.tries, this.uses]) {
      await this.connection.createCollection(c.collectionName).catch(() => undefined);
    }
  }

  insertCode(doc: CodeDocument): Promise<boolean> {
    return insertOnce(() => this.codes.insertOne(doc));
  }
  insertIssue(doc: IssueDocument): Promise<boolean> {
    return insertOnce(() => this.issues.insertOne(doc));
  }
  insertTry(doc: TryDocument): Promise<boolean> {
    return insertOnce(() => this.tries.insertOne(doc));
  }
  insertUse(doc: UseDocument): Promise<boolean> {
    return insertOnce(() => this.uses.insertOne(doc));
  }
  code(id: string): Promise<CodeDocument | null> {
    return byId(this.codes, id);
  }
  issue(id: string): Promise<IssueDocument | null> {
    return byId(this.issues, id);
  }
  use(id: string): Promise<UseDocument | null> {
    return byId(this.uses, id);
  }
}

function byId<T extends Document & { _id: string }>(
  c: Collection<T>,
  id: string,
): Promise<T | null> {
  return c.findOne({ _id: id } as never) as Promise<T | null>;
}
