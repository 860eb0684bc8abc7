import type { PricedLine } from '../tariff-model.js';
import { fraction, minorPerMajor, multiply, parseDecimal, roundHalfUp } from './money.js';
import type { LineComponent, VolumeLine } from './steps.js';
import { type TaxedAmount, taxGross, taxNet } from './taxes.js';

/** Units a price is quoted per: ENERGY per kWh (1000 Wh), time per hour (3600 s), FLAT per session. */
const UNITS_PER_PRICE: Record<LineComponent, bigint> = { ENERGY: 1000n, TIME: 3600n, PARKING_TIME: 3600n, IDLE: 3600n, FLAT: 1n };

/** unit price x billed quantity, in minor units, rounded once (half-up, see money.ts). */
export function lineAmountMinor(line: VolumeLine, currencyDigits: number): bigint {
  const perUnit = multiply(parseDecimal(line.unitPrice), fraction(minorPerMajor(currencyDigits), UNITS_PER_PRICE[line.component]));
  return roundHalfUp(multiply(perUnit, fraction(BigInt(line.billedQuantity))));
}

export function taxedAmount(amountMinor: bigint, line: VolumeLine, pricesIncludeTax: boolean): TaxedAmount {
  return pricesIncludeTax ? taxGross(amountMinor, line.taxes) : taxNet(amountMinor, line.taxes);
}

export function pricedLine(line: VolumeLine, currencyDigits: number, pricesIncludeTax: boolean): PricedLine {
  const taxed = taxedAmount(lineAmountMinor(line, currencyDigits), line, pricesIncludeTax);
  return {
    component: line.component,
    elementIndex: line.elementIndex,
    quantity: line.quantity,
    billedQuantity: line.billedQuantity,
    unitPrice: line.unitPrice,
    exclTaxMinor: Number(taxed.exclTaxMinor),
    taxes: taxed.taxes.map((tax) => ({ type: tax.type, ratePercent: tax.ratePercent, amountMinor: Number(tax.amountMinor) })),
    inclTaxMinor: Number(taxed.inclTaxMinor),
  };
}
