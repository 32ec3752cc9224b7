/**
 * Account proof's store in memory, for the flows' unit tests (no database): the same insert
 * semantics as the repository — an `_id` taken refuses the insert — so the real
 * `AccountProofService` and its rules run on it.
 */
import type {
  AccountCodeStore,
  CodeDocument,
  IssueDocument,
  TryDocument,
  UseDocument,
} from '../../src/domain/account-proof/index.ts';

export class MemoryAccountCodeStore implements AccountCodeStore {
  readonly codes = new Map<string, CodeDocument>();
  readonly issues = new Map<string, IssueDocument>();
  readonly tries = new Map<string, TryDocument>();
  readonly uses = new Map<string, UseDocument>();

  async insertCode(doc: CodeDocument) {
    return insert(this.codes, doc);
  }
  async insertIssue(doc: IssueDocument) {
    return insert(this.issues, doc);
  }
  async insertTry(doc: TryDocument) {
    return insert(this.tries, doc);
  }
  async insertUse(doc: UseDocument) {
    return insert(this.uses, doc);
  }
  async code(id: string) {
    return this.codes.get(id) ?? null;
  }
  async issue(id: string) {
    return this.issues.get(id) ?? null;
  }
  async use(id: string) {
    return this.uses.get(id) ?? null;
  }
}

function insert<T extends { _id: string }>(map: Map<string, T>, doc: T): boolean {
  if (map.has(doc._id)) return false;
  map.set(doc._id, structuredClone(doc));
  return true;
}
