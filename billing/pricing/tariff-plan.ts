import type { PriceComponentType, TariffDefinition } from '../tariff-model.js';
import { type Bounds, boundsOf, durationThresholds, energyThresholds, usesWallClock, wallClockMinutes } from './restrictions.js';

/** What pricing works out from a tariff alone, whatever the session: which elements price what, and where a price can change. */
export interface TariffPlan {
  /** Each element's component types and restrictions (as bounds in a moment's units), in order. */
  elements: { types: Set<PriceComponentType>; bounds: Bounds | null }[];
  usesWallClock: boolean;
  wallClockMinutes: number[];
  energyThresholds: number[];
  durationThresholds: number[];
}

const plans = new WeakMap<TariffDefinition, TariffPlan>();

/**
 * The plan of a tariff, worked out once per definition object: billing prices a batch of sessions with one
 * definition. A definition is never changed once priced (a tariff version is never edited; a change is a new
 * version, read as a new object).
 */
export function planOf(tariff: TariffDefinition): TariffPlan {
  let plan = plans.get(tariff);
  if (!plan) {
    plan = {
      elements: tariff.elements.map((element) => ({
        types: new Set(element.priceComponents.map((component) => component.type)),
        bounds: element.restrictions ? boundsOf(element.restrictions) : null,
      })),
      usesWallClock: usesWallClock(tariff),
      wallClockMinutes: wallClockMinutes(tariff),
      energyThresholds: energyThresholds(tariff),
      durationThresholds: durationThresholds(tariff),
    };
    plans.set(tariff, plan);
  }
  return plan;
}
