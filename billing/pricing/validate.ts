// TEMPORARY stand-in until the pricing engine lands (h/pricing): accepts any object with a currency and elements.
import type { TariffDefinition } from '../tariff-model.js';

export function validateTariff(
  t: unknown,
): { ok: true; tariff: TariffDefinition } | { ok: false; errors: { path: string; message: string }[] } {
  const d = t as TariffDefinition;
  if (!d || typeof d !== 'object' || !/^[A-Z]{3}$/.test(d.currency ?? ''))
    return { ok: false, errors: [{ path: 'currency', message: 'expected an ISO 4217 code' }] };
  if (!Array.isArray(d.elements) || d.elements.length === 0)
    return { ok: false, errors: [{ path: 'elements', message: 'expected at least one element' }] };
  return { ok: true, tariff: d };
}
