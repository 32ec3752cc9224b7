/** Fair use per person (R001-8 … R001-11): breaches recorded, suspensions decided. */
export * from './abuse-record.ts';
export { AbuseRepository } from './abuse-repository.ts';
