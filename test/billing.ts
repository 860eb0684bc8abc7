import { randomUUID } from 'node:crypto';
import type { TariffDefinition } from '../billing/tariff-model.js';
import { anOrganisation } from './api.js';
import { sql } from './builders.js';
import { anIdentity, connectCharger, type TestCharger } from './chargers.js';
import type { TestSystem } from './system.js';

/** 250 RWF per kWh, VAT 18% included: 1 kWh costs 250, of which 38 VAT. */
export const rwfPerKwh: TariffDefinition = {
  currency: 'RWF',
  type: 'REGULAR',
  altText: [],
  pricesIncludeTax: true,
  taxes: [{ type: 'VAT', ratePercent: '18' }],
  elements: [{ priceComponents: [{ type: 'ENERGY', price: '250', stepSize: 1 }] }],
};

export interface BillingOperator {
  organisationId: string;
  siteId: string;
  /** A strict OCPP 1.6 charger at the operator's site, connected. */
  charger: TestCharger;
  /** Credits a driver's wallet with the operator (RWF), once per call. */
  credit(userId: string, amountMinor: number): Promise<unknown>;
}

/** An operator whose stations all charge `tariff`, asking drivers to hold `walletMinimumMinor` RWF, with a charger. */
export async function aBillingOperator(
  system: TestSystem,
  options: {
    tariff?: TariffDefinition;
    walletMinimumMinor?: number;
    label?: string;
    /** How the charger answers the CSMS's calls. */
    handlers?: Record<string, (params: Record<string, unknown>) => unknown>;
  } = {},
): Promise<BillingOperator> {
  const { organisationId, siteId } = await anOrganisation(system);
  const { tariff } = await system.deps.tariffs.create(organisationId, 'Test tariff', {
    definition: options.tariff ?? rwfPerKwh,
    validFrom: new Date(0),
  });
  await system.deps.tariffs.assign({ tariffId: tariff.id });
  if (options.walletMinimumMinor !== undefined) {
    await sql(system, `update organisation set wallet_minimum_minor = ?, wallet_currency = 'RWF' where id = ?`, [
      options.walletMinimumMinor,
      organisationId,
    ]);
  }
  const identity = anIdentity(options.label ?? 'BILLING');
  const { ocppPassword } = await system.deps.stations.create({ identity, siteId });
  const charger = await connectCharger(system, { identity, password: ocppPassword }, { handlers: options.handlers ?? {} });
  const credit = (userId: string, amountMinor: number) =>
    system.deps.ledger.creditWallet({
      organisationId,
      userId,
      currency: 'RWF',
      amountMinor,
      actor: null,
      reason: 'test',
      idempotencyKey: `test-credit-${randomUUID()}`,
    });
  return { organisationId, siteId, charger, credit };
}
