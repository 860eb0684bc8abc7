/** What an operator sets for a model; checked by `checkBaseline`. */
export interface BaselineInput {
  model: string;
  keys: Array<{ key: string; value: string }>;
  maxPowerW?: number | null | undefined;
}

/** A baseline that cannot be kept as given; the field is named. */
export class BaselineInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Keys evcms changes by other means: the station's password goes with its stored hash (rotateStationPassword). */
const refusedKeys = new Set(['authorizationkey']);

/**
 * Checks a baseline against OCPP 1.6 (a chargePointModel is CiString20, a ChangeConfiguration key CiString50 and
 * its value CiString500) and returns it as kept: the model and keys trimmed, keys in their order, at most 200.
 */
export function checkBaseline(input: BaselineInput): { model: string; keys: Record<string, string>; maxPowerW: number | null } {
  const model = input.model.trim();
  if (!model || model.length > 20) throw new BaselineInputError('model', 'expected a model name of 1 to 20 characters');
  if (input.keys.length > 200) throw new BaselineInputError('keys', 'expected at most 200 keys');
  const keys: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [i, entry] of input.keys.entries()) {
    const key = entry.key.trim();
    if (!key || key.length > 50) throw new BaselineInputError(`keys.${i}.key`, 'expected a key of 1 to 50 characters');
    if (refusedKeys.has(key.toLowerCase()))
      throw new BaselineInputError(`keys.${i}.key`, `${key} is not set by a baseline (rotateStationPassword changes it)`);
    if (seen.has(key.toLowerCase())) throw new BaselineInputError(`keys.${i}.key`, `${key} is given twice`);
    if (entry.value.length > 500) throw new BaselineInputError(`keys.${i}.value`, 'expected at most 500 characters');
    seen.add(key.toLowerCase());
    keys[key] = entry.value;
  }
  const maxPowerW = input.maxPowerW ?? null;
  if (maxPowerW !== null && (!Number.isInteger(maxPowerW) || maxPowerW < 100 || maxPowerW > 2_000_000))
    throw new BaselineInputError('maxPowerW', 'expected a whole number of watts from 100 to 2000000');
  return { model, keys, maxPowerW };
}

const list = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/**
 * Whether the value a station reported is the one the baseline wants. Stations differ in how they write the
 * same thing: spaces around it and inside comma-separated lists (MeterValuesSampledData), and the case of
 * booleans ("True", "true"); those count as the same. Numbers and other text compare as written.
 */
export function sameValue(wanted: string, reported: string | null): boolean {
  if (reported === null) return false;
  const a = wanted.trim();
  const b = reported.trim();
  if (a === b) return true;
  if (/^(true|false)$/i.test(a) && /^(true|false)$/i.test(b)) return a.toLowerCase() === b.toLowerCase();
  if (a.includes(',') || b.includes(',')) return list(a).join(',') === list(b).join(',');
  return false;
}
