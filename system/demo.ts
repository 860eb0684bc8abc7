import { hashPassword } from '../auth/passwords.js';
import type { Orm } from '../database/orm.js';
import type { TariffDefinition } from '../billing/tariff-model.js';
import type { Ledger } from '../billing/ledger/ledger.js';
import type { Plans } from '../billing/plans/index.js';
import type { TariffService } from '../billing/tariffs.js';
import { IdToken, Organisation, Site, Station, User } from '../schema/entities/index.js';
import type { StationService } from '../stations/service.js';

/** The demo's fixed credentials: for a local demo only, printed at start and given in the README. */
export const demo = {
  organisation: 'Demo Charging Co',
  site: 'Kigali Heights',
  stations: [
    { identity: 'DEMO-CP-001', password: 'demo-cp-001-secret' },
    { identity: 'DEMO-CP-002', password: 'demo-cp-002-secret' },
    { identity: 'DEMO-CP-003', password: 'demo-cp-003-secret' },
  ],
  /** A station no simulated charger plays: free for a person (curl, a real charger, `npm run simulate`) to try. */
  spare: { identity: 'DEMO-TRY-001', password: 'demo-try-001-secret' },
  admin: { email: 'admin@evcms.local', password: 'evcms-demo-admin' },
  operator: { email: 'operator@evcms.local', password: 'evcms-demo-operator' },
  driver: { email: 'driver@evcms.local', password: 'evcms-demo-driver', tags: ['04A1B2C3D4E5F6', '04F6E5D4C3B2A1'] },
  /** What the demo's receipts print of its operator (made up). */
  legalDetails: {
    legalName: 'Demo Charging Co Ltd',
    address: 'KG 7 Ave 12\nKigali, Rwanda',
    taxId: '100000001',
    email: 'billing@evcms.local',
  },
  /** What the demo driver's wallet holds, RWF. */
  walletMinor: 50_000,
  /** A plan the demo driver subscribes to: its 2 kWh pay part of the first session; the rest is billed less 10%. */
  plan: {
    name: 'Kigali commuter',
    interval: 'month',
    currency: 'RWF',
    feeMinor: 3000,
    taxes: [{ type: 'VAT', ratePercent: '18' }],
    includedEnergyWh: 2000,
    discountPercent: '10',
    maxSessionsPerDay: 20,
  },
  tariff: {
    name: 'Kigali time-of-day',
    definition: {
      currency: 'RWF',
      type: 'REGULAR',
      altText: [
        { language: 'en', text: '400 RWF/kWh 18:00-22:00, 300 RWF/kWh otherwise, 200 RWF a session; VAT 18% included' },
        { language: 'fr', text: '400 RWF/kWh de 18h à 22h, 300 RWF/kWh sinon, 200 RWF par session ; TVA 18 % comprise' },
      ],
      pricesIncludeTax: true,
      taxes: [{ type: 'VAT', ratePercent: '18' }],
      freeBelow: { energyWh: 200, durationSeconds: 120 },
      elements: [
        { priceComponents: [{ type: 'FLAT', price: '200', stepSize: 1 }] },
        { priceComponents: [{ type: 'ENERGY', price: '400', stepSize: 1 }], restrictions: { startTime: '18:00', endTime: '22:00' } },
        { priceComponents: [{ type: 'ENERGY', price: '300', stepSize: 1 }] },
      ],
    } satisfies TariffDefinition,
  },
};

/** Seeds the demo when the database has no organisation yet; returns whether it did. */
export async function seedDemo(
  orm: Orm,
  services: { stations: StationService; tariffs: TariffService; ledger: Ledger; plans: Plans },
  adminEmail: string,
  adminPassword: string | undefined,
): Promise<boolean> {
  const em = orm.em.fork();
  if ((await em.count(Organisation, {})) > 0) return false;
  const organisation = em.create(Organisation, { name: demo.organisation, slug: 'demo', ...demo.legalDetails });
  const site = em.create(Site, {
    organisation,
    name: demo.site,
    address: 'KG 7 Ave',
    city: 'Kigali',
    country: 'RW',
    latitude: -1.9536,
    longitude: 30.0927,
    gridLimitKw: 150,
    timeZone: 'Africa/Kigali',
  });
  if (!(await em.count(User, { email: adminEmail.toLowerCase() }))) {
    em.create(User, {
      email: adminEmail.toLowerCase(),
      passwordHash: await hashPassword(adminPassword ?? demo.admin.password),
      role: 'ADMIN',
      name: 'Demo Administrator',
      emailVerifiedAt: new Date(),
    });
  }
  em.create(User, {
    email: demo.operator.email,
    passwordHash: await hashPassword(demo.operator.password),
    role: 'OPERATOR',
    organisation,
    name: 'Demo Operator',
    emailVerifiedAt: new Date(),
  });
  const driver = em.create(User, {
    email: demo.driver.email,
    passwordHash: await hashPassword(demo.driver.password),
    role: 'DRIVER',
    name: 'Demo Driver',
    phone: '+250788000000',
    emailVerifiedAt: new Date(),
  });
  for (const value of demo.driver.tags) em.create(IdToken, { value, type: 'RFID', owner: driver, status: 'Accepted', maxConcurrent: 1 });
  await em.flush();
  const { stations, tariffs, ledger, plans } = services;
  await ledger.creditWallet({
    organisationId: organisation.id,
    userId: driver.id,
    currency: 'RWF',
    amountMinor: demo.walletMinor,
    actor: null,
    reason: 'demo: a funded wallet',
    idempotencyKey: 'demo:wallet',
  });
  const { tariff } = await tariffs.create(organisation.id, demo.tariff.name, {
    definition: demo.tariff.definition,
    validFrom: new Date(0),
  });
  await tariffs.assign({ tariffId: tariff.id });
  const plan = await plans.catalogue.create(organisation.id, demo.plan);
  await plans.subscriptions.subscribe(driver.id, plan.id);
  for (const [i, s] of demo.stations.entries()) {
    await stations.create({ identity: s.identity, name: `Demo charger ${i + 1}`, siteId: site.id, ocppPassword: s.password });
  }
  await stations.create({ identity: demo.spare.identity, name: 'Demo charger to try', siteId: site.id, ocppPassword: demo.spare.password });
  return (await em.count(Station, {})) === demo.stations.length + 1;
}
