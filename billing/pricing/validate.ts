import { z } from 'zod';
import { isCurrency } from '../currency.js';
import type { TariffDefinition, TariffRestrictions } from '../tariff-model.js';

export interface TariffIssue {
  /** Where, as a dotted path: "elements.1.priceComponents.0.price". */
  path: string;
  message: string;
}

export type TariffValidation = { ok: true; tariff: TariffDefinition } | { ok: false; errors: TariffIssue[] };

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A decimal string >= 0 ("0.25", "250"), named in the message as `field`. */
function amount(field: string) {
  return z.string({ error: `${field} must be a decimal string such as "0.25"` }).check((ctx) => {
    if (/^-\d+(\.\d+)?$/.test(ctx.value))
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `${field} must not be negative (got "${ctx.value}")` });
    else if (!/^\d+(\.\d+)?$/.test(ctx.value)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${field} must be a decimal string such as "0.25" (got "${ctx.value}")`,
      });
    }
  });
}

function stepSize() {
  return z.int({ error: 'stepSize must be a whole number' }).min(1, { error: 'stepSize must be at least 1' });
}

const taxRate = z.object({
  type: z.string().min(1, { error: 'a tax needs a type, e.g. "VAT"' }),
  ratePercent: amount('ratePercent'),
  stack: z.int().min(0, { error: 'stack must be 0 or more' }).optional(),
});

const priceComponent = z.object({
  type: z.enum(['ENERGY', 'TIME', 'PARKING_TIME', 'FLAT']),
  price: amount('price'),
  stepSize: stepSize(),
  taxes: z.array(taxRate).optional(),
});

const time = (field: string) =>
  z
    .string()
    .regex(HH_MM, { error: `${field} must be "HH:MM" (00:00 to 23:59)` })
    .optional();
const date = (field: string) =>
  z
    .string()
    .regex(DATE, { error: `${field} must be a date "YYYY-MM-DD"` })
    .optional();
const bound = (field: string) =>
  z
    .number()
    .min(0, { error: `${field} must not be negative` })
    .optional();

const restrictions = z.object({
  startTime: time('startTime'),
  endTime: time('endTime'),
  startDate: date('startDate'),
  endDate: date('endDate'),
  minKwh: bound('minKwh'),
  maxKwh: bound('maxKwh'),
  minCurrent: bound('minCurrent'),
  maxCurrent: bound('maxCurrent'),
  minPower: bound('minPower'),
  maxPower: bound('maxPower'),
  minDuration: bound('minDuration'),
  maxDuration: bound('maxDuration'),
  dayOfWeek: z
    .array(z.enum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']))
    .min(1, { error: 'dayOfWeek must name at least one day (an empty list never matches)' })
    .optional(),
});

const element = z.object({
  priceComponents: z.array(priceComponent).min(1, { error: 'an element needs at least one price component' }),
  restrictions: restrictions.optional(),
});

const minor = (field: string) =>
  z.int({ error: `${field} must be a whole number of minor units` }).min(0, { error: `${field} must not be negative` });

const tariffShape = z.object({
  currency: z
    .string()
    .refine(isCurrency, { error: (issue) => `unknown currency ${JSON.stringify(issue.input)}: not an ISO 4217 code evcms knows` }),
  type: z.enum(['REGULAR', 'AD_HOC_PAYMENT', 'PROFILE_CHEAP', 'PROFILE_FAST', 'PROFILE_GREEN']),
  altText: z.array(z.object({ language: z.string(), text: z.string() })),
  pricesIncludeTax: z.boolean(),
  taxes: z.array(taxRate),
  minPriceMinor: minor('minPriceMinor').optional(),
  maxPriceMinor: minor('maxPriceMinor').optional(),
  holdAmountMinor: minor('holdAmountMinor').min(1, { error: 'holdAmountMinor must be at least 1' }).optional(),
  freeBelow: z.object({ energyWh: bound('freeBelow.energyWh'), durationSeconds: bound('freeBelow.durationSeconds') }).optional(),
  idleFee: z
    .object({
      price: amount('idleFee.price'),
      graceMinutes: z.number().min(0, { error: 'graceMinutes must not be negative' }),
      stepSize: stepSize(),
      taxes: z.array(taxRate).optional(),
    })
    .optional(),
  elements: z.array(element).min(1, { error: 'a tariff needs at least one element' }),
});

const PAIRS = [
  ['minKwh', 'maxKwh'],
  ['minCurrent', 'maxCurrent'],
  ['minPower', 'maxPower'],
  ['minDuration', 'maxDuration'],
] as const;

/** Restrictions that can never all hold: an empty band (min inclusive, max exclusive), a zero-length time or date range. */
function impossibleRestrictions(r: TariffRestrictions, path: string): TariffIssue[] {
  const issues: TariffIssue[] = [];
  for (const [min, max] of PAIRS) {
    const [low, high] = [r[min], r[max]];
    if (low !== undefined && high !== undefined && low >= high) {
      issues.push({ path: `${path}.${min}`, message: `${min} (${low}) must be less than ${max} (${high}): the element could never match` });
    }
  }
  if (r.startTime !== undefined && r.startTime === r.endTime) {
    issues.push({ path: `${path}.endTime`, message: `startTime and endTime are both ${r.startTime}: the element could never match` });
  }
  if (r.startDate !== undefined && r.endDate !== undefined && r.startDate >= r.endDate) {
    issues.push({ path: `${path}.endDate`, message: `startDate (${r.startDate}) must be before endDate (${r.endDate}, exclusive)` });
  }
  return issues;
}

function hasRestrictions(r: TariffRestrictions | undefined): boolean {
  return r !== undefined && Object.values(r).some((value) => value !== undefined);
}

/**
 * Rules across fields. Coverage rule (the simplest that guarantees every moment is priced the way the operator meant):
 * the LAST element must have no restrictions; it is the fallback for every dimension it names, and a dimension that
 * no element holds for at some moment is, per OCPI, free at that moment.
 */
function crossFieldIssues(tariff: z.infer<typeof tariffShape>): TariffIssue[] {
  const issues = tariff.elements.flatMap((element, i) =>
    element.restrictions ? impossibleRestrictions(element.restrictions, `elements.${i}.restrictions`) : [],
  );
  const last = tariff.elements.length - 1;
  if (hasRestrictions(tariff.elements[last]?.restrictions)) {
    issues.push({
      path: `elements.${last}.restrictions`,
      message: 'the last element must have no restrictions, so that some element matches every moment of a session',
    });
  }
  if (tariff.minPriceMinor !== undefined && tariff.maxPriceMinor !== undefined && tariff.minPriceMinor > tariff.maxPriceMinor) {
    issues.push({
      path: 'minPriceMinor',
      message: `minPriceMinor (${tariff.minPriceMinor}) must not exceed maxPriceMinor (${tariff.maxPriceMinor})`,
    });
  }
  return issues;
}

/** Checks a tariff before it is stored or priced with; every problem is reported with the path of its field. */
export function validateTariff(input: unknown): TariffValidation {
  const parsed = tariffShape.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) };
  }
  const errors = crossFieldIssues(parsed.data);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, tariff: parsed.data as TariffDefinition };
}
