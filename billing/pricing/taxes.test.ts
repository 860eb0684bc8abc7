import { describe, expect, it } from 'vitest';
import type { TaxRate } from '../tariff-model.js';
import { taxGross, taxNet } from './taxes.js';

const vat = (ratePercent: string, stack?: number): TaxRate => ({ type: 'VAT', ratePercent, ...(stack === undefined ? {} : { stack }) });
const excise = (ratePercent: string): TaxRate => ({ type: 'Excise', ratePercent, stack: 0 });
const amounts = (taxes: { amountMinor: bigint }[]) => taxes.map((tax) => tax.amountMinor);

describe('taxes on a net amount', () => {
  it('levies one rate and rounds half-up: 18% of 3086 = 555.48 -> 555', () => {
    expect(taxNet(3086n, [vat('18')])).toMatchObject({ exclTaxMinor: 3086n, inclTaxMinor: 3641n });
  });

  it('levies taxes of one stack on the same base: 5% and 10% of 999 = 49.95 -> 50 and 99.9 -> 100', () => {
    const taxed = taxNet(999n, [vat('5'), { type: 'Levy', ratePercent: '10' }]);
    expect(amounts(taxed.taxes)).toEqual([50n, 100n]);
    expect(taxed.inclTaxMinor).toBe(1149n);
  });

  it('levies a higher stack on the net plus the lower stacks: excise 10% of 1000 = 100, VAT 20% of 1100 = 220', () => {
    const taxed = taxNet(1000n, [vat('20', 1), excise('10')]);
    expect(amounts(taxed.taxes)).toEqual([220n, 100n]);
    expect(taxed.inclTaxMinor).toBe(1320n);
  });

  it('takes away from zero on a negative amount: 10% of -25 = -2.5 -> -3', () => {
    expect(amounts(taxNet(-25n, [vat('10')]).taxes)).toEqual([-3n]);
  });
});

describe('taxes inside a gross amount', () => {
  it('finds the net of 360 at 20%: 300 + 60', () => {
    const taxed = taxGross(360n, [vat('20')]);
    expect(taxed).toMatchObject({ exclTaxMinor: 300n, inclTaxMinor: 360n });
    expect(amounts(taxed.taxes)).toEqual([60n]);
  });

  it('rounds the tax and leaves the rest as net: 35 at 20% is 29.1667 net, tax 5.8333 -> 6, net 29', () => {
    const taxed = taxGross(35n, [vat('20')]);
    expect(taxed.exclTaxMinor).toBe(29n);
    expect(amounts(taxed.taxes)).toEqual([6n]);
  });

  it('undoes stacked taxes: 1320 / (1.10 x 1.20) = 1000 net, excise 100, VAT 220', () => {
    const taxed = taxGross(1320n, [excise('10'), vat('20', 1)]);
    expect(taxed.exclTaxMinor).toBe(1000n);
    expect(amounts(taxed.taxes)).toEqual([100n, 220n]);
  });

  it('has no tax without rates', () => {
    expect(taxGross(101n, [])).toEqual({ exclTaxMinor: 101n, taxes: [], inclTaxMinor: 101n });
  });
});
