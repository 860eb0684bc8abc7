import { planIntervals, type PlanInterval } from '../../schema/entities/plan.js';
import { isCurrency } from '../currency.js';
import { BillingError } from '../errors.js';
import type { TaxRate } from '../tariff-model.js';

/** A plan as an operator describes it (the API's createPlan). */
export interface PlanInput {
  name: string;
  interval: string;
  currency: string;
  /** Per period, tax included, minor units. */
  feeMinor: number;
  taxes?: TaxRate[] | null | undefined;
  includedEnergyWh?: number | null | undefined;
  discountPercent?: string | null | undefined;
  tariffId?: string | null | undefined;
  maxSessionsPerDay?: number | null | undefined;
  maxPowerW?: number | null | undefined;
  siteIds?: string[] | null | undefined;
}

/** A plan input that passed every check. */
export interface CheckedPlan {
  name: string;
  interval: PlanInterval;
  currency: string;
  feeMinor: number;
  taxes: TaxRate[];
  includedEnergyWh: number;
  discountPercent: string | null;
  tariffId: string | null;
  maxSessionsPerDay: number | null;
  maxPowerW: number | null;
  siteIds: string[];
}

const bad = (field: string, message: string) => new BillingError('BAD_USER_INPUT', `${field}: ${message}`, field);
const PERCENT = /^\d{1,3}(\.\d{1,4})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function whole(field: string, value: number | null | undefined, { min, max }: { min: number; max: number }): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw bad(field, `expected a whole number from ${min} to ${max}`);
  return value;
}

function checkedTaxes(taxes: TaxRate[] | null | undefined): TaxRate[] {
  const list = taxes ?? [];
  for (const [i, tax] of list.entries()) {
    if (!tax.type?.trim() || tax.type.length > 40) throw bad(`taxes.${i}.type`, 'expected a name such as "VAT"');
    if (!PERCENT.test(tax.ratePercent) || Number(tax.ratePercent) > 100)
      throw bad(`taxes.${i}.ratePercent`, 'expected a percent from "0" to "100"');
    if (tax.stack !== undefined && tax.stack !== null) whole(`taxes.${i}.stack`, tax.stack, { min: 0, max: 9 });
  }
  return list.map((tax) => ({ type: tax.type.trim(), ratePercent: tax.ratePercent, ...(tax.stack ? { stack: tax.stack } : {}) }));
}

function checkedDiscount(input: PlanInput): string | null {
  const percent = input.discountPercent ?? null;
  if (percent === null) return null;
  if (!PERCENT.test(percent) || Number(percent) <= 0 || Number(percent) > 100)
    throw bad('discountPercent', 'expected a percent above "0" up to "100", such as "10" or "12.5"');
  if (input.tariffId) throw bad('discountPercent', 'a plan has a discount or a tariff of its own, not both');
  return percent;
}

/** A plan's terms checked field by field; a BillingError names the first field that is wrong. Pure. */
export function checkPlan(input: PlanInput): CheckedPlan {
  const name = input.name?.trim() ?? '';
  if (!name || name.length > 200) throw bad('name', 'expected 1 to 200 characters');
  if (!planIntervals.includes(input.interval as PlanInterval)) throw bad('interval', 'expected month or year');
  if (!isCurrency(input.currency)) throw bad('currency', `${JSON.stringify(input.currency)} is not an ISO 4217 currency evcms bills in`);
  const siteIds = input.siteIds ?? [];
  for (const [i, id] of siteIds.entries()) if (!UUID.test(id)) throw bad(`siteIds.${i}`, 'not a site id');
  if (input.tariffId && !UUID.test(input.tariffId)) throw bad('tariffId', 'not a tariff id');
  return {
    name,
    interval: input.interval as PlanInterval,
    currency: input.currency,
    feeMinor: whole('feeMinor', input.feeMinor, { min: 0, max: 1e12 }) ?? 0,
    taxes: checkedTaxes(input.taxes),
    includedEnergyWh: whole('includedEnergyWh', input.includedEnergyWh, { min: 0, max: 1e9 }) ?? 0,
    discountPercent: checkedDiscount(input),
    tariffId: input.tariffId ?? null,
    maxSessionsPerDay: whole('maxSessionsPerDay', input.maxSessionsPerDay, { min: 1, max: 1000 }),
    maxPowerW: whole('maxPowerW', input.maxPowerW, { min: 1000, max: 1_000_000 }),
    siteIds: [...new Set(siteIds)],
  };
}
