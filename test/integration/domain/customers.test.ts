import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { createDomain, type Domain } from '../../../src/domain/domain.ts';
import { isAuthorised, isSuspended } from '../../../src/domain/customers/customer.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { seedDemoData } from '../../../src/domain/seed/seed.ts';
import { openTestConnection } from '../../support/database.ts';

describe('customers and the demo data', () => {
  let domain: Domain;

  beforeAll(async () => {
    domain = createDomain(
      await openTestConnection(),
      DEFAULT_POLICY,
      new ManualClock('2026-03-10T16:00:00Z'),
    );
    await domain.init();
    await seedDemoData(domain);
  });

  it('seeds customers in Mexico, Colombia and Venezuela, idempotently', async () => {
    const again = await seedDemoData(domain);
    expect(await domain.customers.model.countDocuments()).toBe(again.customers);
    const countries = new Set((await domain.customers.model.find().lean()).map((c) => c.country));
    expect([...countries].sort()).toEqual(['CO', 'MX', 'VE']);
    expect(await domain.coverage.check('CO', 'Calle 80, Bogota')).toMatchObject({ city: 'Bogotá' });
  });

  it('R004-1: finds a customer by account number, contract number, e-mail or phone', async () => {
    expect((await domain.customers.findByAccountOrContract('MX-1001'))?.name).toContain('Valle');
    expect(
      (await domain.customers.findByAccountOrContract(' CT-CO-2024-007 '))?.accountNumber,
    ).toBe('CO-2001');
    expect((await domain.customers.findByEmail('LUIS.PEREZ@caribe.example'))?.accountNumber).toBe(
      'VE-3001',
    );
    expect(await domain.customers.findByAccountOrContract('XX-0000')).toBeNull();
  });

  it('finds a Mexican mobile number with or without the old +52 1 prefix', async () => {
    // Stored as "+52 1 33 3333 0202"; WhatsApp sends 5213333330202, others 523333330202.
    expect((await domain.customers.findByPhone('5213333330202'))?.accountNumber).toBe('MX-1002');
    expect((await domain.customers.findByPhone('+52 33 3333 0202'))?.accountNumber).toBe('MX-1002');
  });

  it('R004-1: finds a customer by a phone typed in its national form, in any country served', async () => {
    // Stored as "+52 55 5555 0101", "+57 601 555 0404" and "+58 212 555 0505".
    expect((await domain.customers.findByPhone('55 5555 0101'))?.accountNumber).toBe('MX-1001');
    expect((await domain.customers.findByPhone('044 55 5555 0101'))?.accountNumber).toBe('MX-1001');
    expect((await domain.customers.findByPhone('601 555 0404'))?.accountNumber).toBe('CO-2001');
    expect((await domain.customers.findByPhone('0212-555-0505'))?.accountNumber).toBe('VE-3001');
    expect(await domain.customers.findByPhone('55 5555 0199')).toBeNull();
  });

  it('R000-1: each customer has one primary contact', async () => {
    const customer = await domain.customers.findByAccount('MX-1001');
    expect(customer?.primaryContact.email).toBe('laura.mendez@delvalle.example');
  });

  it('R000-7: with no one named anyone may act; with names only they (and the primary contact) may', async () => {
    const open = (await domain.customers.findByAccount('MX-1001'))!;
    expect(isAuthorised(open, { email: 'someone.else@delvalle.example' })).toBe(true);
    const named = (await domain.customers.findByAccount('MX-1002'))!;
    expect(isAuthorised(named, { email: 'ana@santarita.example' })).toBe(true);
    expect(isAuthorised(named, { phone: '+52 1 33 3333 0202' })).toBe(true);
    // An authorised person's phone typed as dialled in Mexico.
    expect(isAuthorised(named, { phone: '33 3333 0203' })).toBe(true);
    expect(isAuthorised(named, { phone: '33 3333 0299' })).toBe(false);
    expect(isAuthorised(named, { email: 'intruso@example.com' })).toBe(false);
  });

  it('R003-1 and R003-7: the record knows the distributor and whether payments are up to date', async () => {
    expect((await domain.customers.findByAccount('MX-1002'))?.distributor?.servesItsCustomers).toBe(
      true,
    );
    expect((await domain.customers.findByAccount('CO-2001'))?.paymentsUpToDate).toBe(false);
  });

  it('R001-11: a suspended customer stays suspended until the time set', async () => {
    await domain.customers.recordAbuse('VE-3001', {
      abuseWarnings: 2,
      suspendedUntil: new Date('2026-03-11T16:00:00Z'),
      suspendedPermanently: false,
    });
    const customer = (await domain.customers.findByAccount('VE-3001'))!;
    expect(isSuspended(customer, new Date('2026-03-11T15:59:59Z'))).toBe(true);
    expect(isSuspended(customer, new Date('2026-03-11T16:00:01Z'))).toBe(false);
  });
});
