/**
 * A tariff as evcms prices with it: OCPI 2.2.1's Tariff module (so roaming can export it without loss),
 * plus what operators ask for and OCPI lacks (an idle fee, a free threshold, stacking taxes, prices
 * entered with tax). Pure data: stored as JSON on an immutable tariff version, snapshotted onto sessions.
 *
 * Money: totals and limits are integer minor units of `currency` (ISO 4217; RWF and JPY have none).
 * Unit prices are decimal strings in major units per unit ("0.2345" EUR per kWh, "250" RWF per kWh), as
 * OCPI writes them, so a price finer than a minor unit stays exact; pricing rounds once per line.
 */
export type PriceComponentType = 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'FLAT';

/** A tax on a line (OCPP 2.1 TaxRate): taxes of one `stack` share a base; a higher stack is levied on base + lower stacks. */
export interface TaxRate {
  /** e.g. VAT, "Excise". */
  type: string;
  /** Percent as a decimal string: "18", "5.5". */
  ratePercent: string;
  /** 0 (default): on the price; 1: on price + stack-0 taxes; ... */
  stack?: number;
}

export interface PriceComponent {
  type: PriceComponentType;
  /**
   * Major units per unit (ENERGY: per kWh; TIME, PARKING_TIME: per hour; FLAT: per session), a decimal
   * string >= 0; without tax, or with it when the tariff's `pricesIncludeTax`.
   */
  price: string;
  /** OCPI step_size: ENERGY in Wh, TIME and PARKING_TIME in seconds, FLAT 1. The billed volume is rounded up to a multiple. */
  stepSize: number;
  /** Taxes on this component; absent: the tariff's `taxes`. OCPI's `vat` is `[{ type: 'VAT', ratePercent }]`. */
  taxes?: TaxRate[];
}

export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

/** OCPI TariffRestrictions, all combined with AND. Times and dates are the site's local ones. */
export interface TariffRestrictions {
  /** "HH:MM", local; start_time > end_time wraps past midnight ("22:00" to "06:00"). */
  startTime?: string;
  endTime?: string;
  /** "YYYY-MM-DD", local; startDate inclusive, endDate exclusive (OCPI). */
  startDate?: string;
  endDate?: string;
  /** Energy of the session so far, in kWh (decimal numbers, as OCPI). */
  minKwh?: number;
  maxKwh?: number;
  /** Current and power now (A, kW). */
  minCurrent?: number;
  maxCurrent?: number;
  minPower?: number;
  maxPower?: number;
  /** Duration of the session so far, in seconds. */
  minDuration?: number;
  maxDuration?: number;
  dayOfWeek?: DayOfWeek[];
}

export interface TariffElement {
  priceComponents: PriceComponent[];
  restrictions?: TariffRestrictions;
}

/** Connected but not charging, after a grace period: charged per hour on top of PARKING_TIME. */
export interface IdleFee {
  /** Major units per hour, as `PriceComponent.price`. */
  price: string;
  /** Idle time starts this long after charging last stopped (the EV full, SuspendedEV). */
  graceMinutes: number;
  stepSize: number;
  taxes?: TaxRate[];
}

export interface TariffDefinition {
  currency: string;
  /** OCPI TariffType: REGULAR, AD_HOC_PAYMENT, PROFILE_CHEAP, PROFILE_FAST, PROFILE_GREEN. */
  type: 'REGULAR' | 'AD_HOC_PAYMENT' | 'PROFILE_CHEAP' | 'PROFILE_FAST' | 'PROFILE_GREEN';
  /** OCPI tariff_alt_text: the tariff in words, per language. */
  altText: { language: string; text: string }[];
  /** Whether component prices include their taxes (as shown to drivers in many countries) or not (OCPI). */
  pricesIncludeTax: boolean;
  /** Taxes of every component that names none. */
  taxes: TaxRate[];
  /** Bounds on the session's total, in minor units, without tax (OCPI min_price / max_price excl_vat). */
  minPriceMinor?: number;
  maxPriceMinor?: number;
  /** What a card is held for before an ad hoc session starts, minor units with tax; absent: the currency's default (billing/payments/card-holds/amount.ts). */
  holdAmountMinor?: number;
  /** A session under either threshold costs nothing at all (a failed start, a plug-in and out). */
  freeBelow?: { energyWh?: number; durationSeconds?: number };
  idleFee?: IdleFee;
  /** Ordered: for each dimension the first element whose restrictions hold prices it. */
  elements: TariffElement[];
}

/** What a session did, as pricing reads it. */
export interface SessionTimeline {
  startedAt: Date;
  stoppedAt: Date;
  /** IANA time zone of the site: time-of-day, date and weekday restrictions are local to it. */
  timeZone: string;
  /**
   * Readings in time order: the energy register in Wh relative to the session's start (0 at startedAt), and
   * power (W) and current (A) where the station reported them. At least the start and the stop.
   */
  readings: { at: Date; energyWh: number; powerW?: number; currentA?: number }[];
  /**
   * When the EV was drawing energy (StatusNotification Charging), as [from, to) intervals; the rest of the
   * session is parking time. Null: the whole session counts as charging time (no statuses known).
   */
  charging: { from: Date; to: Date }[] | null;
}

export type DimensionType = 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'FLAT' | 'IDLE' | 'MAX_POWER' | 'MAX_CURRENT';

/** OCPI CDR ChargingPeriod: from `startAt` to the next period's start (or the session's stop). */
export interface ChargingPeriod {
  startAt: Date;
  /** Volumes in this period: ENERGY Wh, TIME/PARKING_TIME/IDLE seconds, FLAT 1, MAX_POWER W, MAX_CURRENT A. */
  dimensions: { type: DimensionType; volume: number }[];
  /** The element that priced each component type in this period (index into `elements`), OCPI's tariff_id per period. */
  elementIndex: Partial<Record<PriceComponentType, number>>;
}

export interface PricedLine {
  component: PriceComponentType | 'IDLE';
  elementIndex: number | null;
  /** Wh, seconds or 1; `billedQuantity` after the step size. */
  quantity: number;
  billedQuantity: number;
  /** As in the tariff (major units per kWh / hour / session). */
  unitPrice: string;
  exclTaxMinor: number;
  taxes: { type: string; ratePercent: string; amountMinor: number }[];
  inclTaxMinor: number;
}

export interface PricedSession {
  currency: string;
  chargingPeriods: ChargingPeriod[];
  lines: PricedLine[];
  totals: {
    exclTaxMinor: number;
    taxMinor: number;
    inclTaxMinor: number;
    energyWh: number;
    timeSeconds: number;
    parkingSeconds: number;
    idleSeconds: number;
  };
  /**
   * Why the total was changed from the sum of the lines: 'free-below-threshold', 'min-price', 'max-price', and a
   * plan's 'plan-included-energy' and 'plan-discount'.
   */
  adjustments: { reason: string; exclTaxMinor: number; taxMinor: number }[];
  /** plans: what a subscription plan covered (billing/plans/coverage.ts), when one applied. */
  plan?: PlanCovered;
}

/** What a driver's plan did for a session: the energy it included and what that and its discount took off, tax included. */
export interface PlanCovered {
  planId: string;
  name: string;
  subscriptionId: string;
  /** The start of the plan period it counted in, ISO 8601. */
  periodStart: string;
  /** Included energy this session used, Wh (billed quantity), and what was left of it for the period before. */
  energyWh: number;
  energyLeftWh: number;
  /** Taken off the price for the included energy, and by the discount, tax included (>= 0). */
  energyMinor: number;
  discountMinor: number;
}
