import type { PriceComponentType, TariffDefinition, TaxRate } from '../tariff-model.js';
import { type Period, secondsOf } from './periods.js';

export type LineComponent = PriceComponentType | 'IDLE';

/** A line before money: what was used and what is billed, at which price and step, under which taxes. */
export interface VolumeLine {
  component: LineComponent;
  elementIndex: number | null;
  quantity: number;
  billedQuantity: number;
  unitPrice: string;
  stepSize: number;
  taxes: TaxRate[];
}

const PERIOD_TYPES: PriceComponentType[] = ['FLAT', 'ENERGY', 'TIME', 'PARKING_TIME'];

function volumeIn(period: Period, type: PriceComponentType): number {
  if (type === 'ENERGY') return period.energyWh;
  if (type === 'FLAT') return 1;
  return secondsOf(period);
}

/**
 * One line per (component type, element), in the order they first appear; the last line of a dimension is the one
 * that priced its last period with a volume (where step rounding lands).
 */
function elementLines(tariff: TariffDefinition, periods: Period[]): { lines: VolumeLine[]; last: Map<LineComponent, VolumeLine> } {
  const byKey = new Map<number, VolumeLine>();
  const last = new Map<LineComponent, VolumeLine>();
  for (const period of periods) {
    // Lines are put in LINE_ORDER afterwards (a stable sort): within a type, the order of first appearance counts.
    for (const [t, type] of PERIOD_TYPES.entries()) {
      const elementIndex = period.elements[type];
      if (elementIndex === undefined) continue;
      const volume = volumeIn(period, type);
      if (volume <= 0) continue;
      const key = elementIndex * PERIOD_TYPES.length + t;
      let line = byKey.get(key);
      if (!line) {
        const component = tariff.elements[elementIndex]!.priceComponents.find((candidate) => candidate.type === type)!;
        const taxes = component.taxes ?? tariff.taxes;
        line = {
          component: type,
          elementIndex,
          quantity: 0,
          billedQuantity: 0,
          unitPrice: component.price,
          stepSize: component.stepSize,
          taxes,
        };
        byKey.set(key, line);
      }
      line.quantity += volume;
      line.billedQuantity += volume;
      last.set(type, line);
    }
  }
  return { lines: [...byKey.values()], last };
}

function idleLine(tariff: TariffDefinition, periods: Period[]): VolumeLine | null {
  const idleSeconds = periods.filter((period) => period.idle).reduce((sum, period) => sum + secondsOf(period), 0);
  if (!tariff.idleFee || idleSeconds === 0) return null;
  const { price, stepSize, taxes } = tariff.idleFee;
  return {
    component: 'IDLE',
    elementIndex: null,
    quantity: idleSeconds,
    billedQuantity: idleSeconds,
    unitPrice: price,
    stepSize,
    taxes: taxes ?? tariff.taxes,
  };
}

/** How an invoice lists them: the start fee, then energy, charging time, parking time (idle last); by first use within. */
const LINE_ORDER: LineComponent[] = ['FLAT', 'ENERGY', 'TIME', 'PARKING_TIME', 'IDLE'];

export function roundUpToStep(volume: number, stepSize: number): number {
  return Math.ceil(volume / stepSize) * stepSize;
}

/**
 * Step sizes, once per session and dimension: the dimension's whole volume is rounded up to a multiple of the step
 * size of its last line's component (OCPI: the step_size of the last TariffElement used), and the extra is billed on
 * that last line. OCPI's further rule (a step_size also applies when switching to an element without that component)
 * is not applied: the intermediate elements' step sizes are ignored. IDLE uses the idle fee's own step size; FLAT is
 * billed once whatever its step size says.
 */
export function volumeLines(tariff: TariffDefinition, periods: Period[]): VolumeLine[] {
  const { lines, last } = elementLines(tariff, periods);
  for (const [type, lastLine] of last) {
    if (type === 'FLAT') continue;
    const volume = lines.filter((line) => line.component === type).reduce((sum, line) => sum + line.quantity, 0);
    lastLine.billedQuantity += roundUpToStep(volume, lastLine.stepSize) - volume;
  }
  const idle = idleLine(tariff, periods);
  if (idle) idle.billedQuantity = roundUpToStep(idle.quantity, idle.stepSize);
  const ordered = [...lines].sort((a, b) => LINE_ORDER.indexOf(a.component) - LINE_ORDER.indexOf(b.component));
  return idle ? [...ordered, idle] : ordered;
}
