// Pure logic: OCPP 1.6 MeterValues / StopTransaction.transactionData -> normalised samples in base units.
// No I/O, never throws on charger input; anything dubious is reported as a SampleProblem.

export interface SampledValue {
  value: string;
  context?: string;
  format?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  unit?: string;
}
export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

export interface Sample {
  ts: Date;
  measurand: string;
  phase: string;
  location: string;
  context: string;
  unit: string;
  value: number;
}

export type SampleProblem = {
  kind: 'signed-data' | 'not-a-number' | 'bad-timestamp' | 'negative-energy' | 'non-finite';
  detail: string;
  /** Index of the MeterValue frame in the input array (the detail names the sampledValue index). */
  index: number;
};

export type EnergyCheck = { energyWh: number | null; flags: string[] };

const DEFAULT_MEASURAND = 'Energy.Active.Import.Register';
const DEFAULT_CONTEXT = 'Sample.Periodic';
const DEFAULT_LOCATION = 'Outlet';

/** Plain decimal, optional sign and exponent; no hex, commas, NaN or Infinity. */
const DECIMAL = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?$/;

/** ISO 8601 date-time; a missing zone is read as UTC (OCPP asks for UTC). */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

type UnitRule = { unit: string; shift: number; convert?: 'kelvin' | 'fahrenheit' };

/** Keyed by lower-cased OCPP 1.6 UnitOfMeasure (plus Hz and '%'). shift = power of ten to reach the base unit. */
const UNITS: Record<string, UnitRule> = {
  wh: { unit: 'Wh', shift: 0 },
  kwh: { unit: 'Wh', shift: 3 },
  varh: { unit: 'varh', shift: 0 },
  kvarh: { unit: 'varh', shift: 3 },
  w: { unit: 'W', shift: 0 },
  kw: { unit: 'W', shift: 3 },
  va: { unit: 'VA', shift: 0 },
  kva: { unit: 'VA', shift: 3 },
  var: { unit: 'var', shift: 0 },
  kvar: { unit: 'var', shift: 3 },
  a: { unit: 'A', shift: 0 },
  v: { unit: 'V', shift: 0 },
  celsius: { unit: 'Celsius', shift: 0 },
  celcius: { unit: 'Celsius', shift: 0 }, // spelling used by the OCPP 1.6 JSON schema
  k: { unit: 'Celsius', shift: 0, convert: 'kelvin' },
  fahrenheit: { unit: 'Celsius', shift: 0, convert: 'fahrenheit' },
  percent: { unit: 'Percent', shift: 0 },
  '%': { unit: 'Percent', shift: 0 },
  hz: { unit: 'Hz', shift: 0 },
  hertz: { unit: 'Hz', shift: 0 }, // in the OCA's 1.6 MeterValues schema
};

/** The spec default unit is Wh for everything; we only keep that for energy and pick the obvious unit otherwise. */
function defaultUnit(measurand: string): string {
  if (measurand.startsWith('Energy.Reactive.')) return 'varh';
  if (measurand.startsWith('Energy.')) return 'Wh';
  if (measurand === 'Power.Factor') return '';
  if (measurand.startsWith('Power.Reactive.')) return 'var';
  if (measurand.startsWith('Power.')) return 'W';
  if (measurand.startsWith('Current.')) return 'A';
  if (measurand === 'Voltage') return 'V';
  if (measurand === 'SoC') return 'Percent';
  if (measurand === 'Temperature') return 'Celsius';
  if (measurand === 'Frequency') return 'Hz';
  return '';
}

function round6(x: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(6)) : x;
}

function text(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

/** Strict ISO timestamp -> Date, or null (rejects 2024-02-30, hour 24, "2024", "March 7"). */
export function parseTimestamp(raw: unknown): Date | null {
  if (typeof raw !== 'string') return null;
  const m = TIMESTAMP.exec(raw.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y),
    month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi),
    second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const dayMs = Date.UTC(year, month - 1, day);
  if (new Date(dayMs).getUTCDate() !== day) return null; // 30 February and friends
  let offsetMin = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const oh = Number(digits.slice(1, 3)),
      om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return null;
    offsetMin = (digits.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const ts = dayMs + ((hour * 60 + minute) * 60 + second) * 1000 + ms - offsetMin * 60_000;
  return Number.isFinite(ts) ? new Date(ts) : null;
}

/** Why a value could not be read. */
type Unreadable = 'not-a-number' | 'non-finite';

/**
 * `[+-]digits[.digits]` (or `.digits`), the form nearly every charger sends: checked without a regex, so
 * reading it allocates no match array and no captured strings (10 values per MeterValues, thousands a second).
 */
function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  let digits = 0;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) i++; // + -
  for (; i < n; i++, digits++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
  }
  if (i < n && s.charCodeAt(i) === 46) {
    for (i++; i < n; i++, digits++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
    }
  }
  return i === n && digits > 0;
}

/** Decimal string times 10^shift, done by moving the exponent so "12.345" kWh is exactly 12345 Wh. */
function parseScaled(raw: unknown, shift: number): number | Unreadable {
  const str = typeof raw === 'number' ? String(raw) : raw;
  if (typeof str !== 'string') return 'not-a-number';
  let value: number;
  if (isPlainDecimal(str)) {
    value = Number(shift === 0 ? str : `${str}e${shift}`);
  } else {
    const m = DECIMAL.exec(str.trim());
    if (!m) return 'not-a-number';
    const [, sign = '', mantissa = '', exp = '0'] = m;
    const exponent = Number(exp) + shift;
    value = Number.isSafeInteger(exponent) ? Number(`${sign}${mantissa}e${exponent}`) : Number.NaN;
  }
  if (!Number.isFinite(value)) return 'non-finite';
  return value === 0 ? 0 : value; // no -0
}

/**
 * The rule for a unit as sent, by its exact spelling once seen: "Wh" or "kWh" costs no lower-cased copy per
 * value. Only known units are remembered, so a charger sending made-up units cannot grow the map.
 */
const unitsAsSent = new Map<string, UnitRule>();
function unitRule(unit: string): UnitRule | undefined {
  const known = unitsAsSent.get(unit);
  if (known) return known;
  const rule = UNITS[unit.toLowerCase()];
  if (rule) unitsAsSent.set(unit, rule);
  return rule;
}

export function normaliseMeterValues(values: MeterValue[]): { samples: Sample[]; problems: SampleProblem[] } {
  const samples: Sample[] = [];
  const problems: SampleProblem[] = [];
  if (!Array.isArray(values)) return { samples, problems };
  // Loops, not forEach: no closure (and its context) per MeterValue; the problems' texts are made only when needed.
  for (let index = 0; index < values.length; index++) {
    const frame = values[index] as MeterValue | null | undefined;
    const ts = parseTimestamp(frame?.timestamp);
    if (!ts) {
      problems.push({
        kind: 'bad-timestamp',
        detail: `timestamp ${JSON.stringify(frame?.timestamp ?? null)} is not an ISO 8601 date-time`,
        index,
      });
      continue;
    }
    const sampled: unknown = frame?.sampledValue;
    if (!Array.isArray(sampled)) continue;
    for (let i = 0; i < sampled.length; i++) {
      const sv = sampled[i] as SampledValue | null | undefined;
      if (!sv || typeof sv !== 'object') {
        problems.push({ kind: 'not-a-number', detail: `sampledValue[${i}] is not an object`, index });
        continue;
      }
      if (sv.format === 'SignedData') {
        problems.push({ kind: 'signed-data', detail: `sampledValue[${i}] is SignedData and was not decoded`, index });
        continue;
      }
      const measurand = text(sv.measurand) || DEFAULT_MEASURAND;
      const givenUnit = text(sv.unit) || defaultUnit(measurand);
      const rule = unitRule(givenUnit);
      let value = parseScaled(sv.value, rule?.shift ?? 0);
      if (typeof value !== 'number') {
        const what = value === 'non-finite' ? 'is not a finite number' : 'is not a decimal number';
        problems.push({ kind: value, detail: `sampledValue[${i}] value ${JSON.stringify(sv.value ?? null)} ${what}`, index });
        continue;
      }
      if (rule?.convert === 'kelvin') value = round6(value - 273.15);
      if (rule?.convert === 'fahrenheit') value = round6(((value - 32) * 5) / 9);
      const sample: Sample = {
        ts,
        measurand,
        phase: text(sv.phase),
        location: text(sv.location) || DEFAULT_LOCATION,
        context: text(sv.context) || DEFAULT_CONTEXT,
        unit: rule ? rule.unit : givenUnit, // unknown units pass through unscaled
        value,
      };
      if (value < 0 && measurand.startsWith('Energy.') && measurand.endsWith('.Register')) {
        problems.push({ kind: 'negative-energy', detail: `sampledValue[${i}] ${measurand} is negative (${value} ${sample.unit})`, index });
      }
      samples.push(sample);
    }
  }
  return { samples, problems };
}

/** Phases that add up to a total: L1, L2, L3 (or L1-N...). N and line-to-line phases are left out. */
const SUMMABLE_PHASE = /^L[123](-N)?$/;

/** Latest total (phase '') of a measurand; failing that, the per-phase sum at the latest phased timestamp. */
function latestTotal(samples: Sample[], measurand: string, unit: string): number | null {
  let total: Sample | null = null;
  let latestPhased = -Infinity;
  for (const s of samples) {
    if (s.measurand !== measurand || s.unit !== unit) continue;
    const t = s.ts.getTime();
    if (s.phase === '') {
      if (!total || t >= total.ts.getTime()) total = s;
    } else if (SUMMABLE_PHASE.test(s.phase) && t > latestPhased) {
      latestPhased = t;
    }
  }
  if (total) return total.value;
  if (latestPhased === -Infinity) return null;
  const byPhase = new Map<string, number>();
  for (const s of samples) {
    if (s.measurand === measurand && s.unit === unit && SUMMABLE_PHASE.test(s.phase) && s.ts.getTime() === latestPhased) {
      byPhase.set(s.phase.slice(0, 2), s.value); // last wins per phase
    }
  }
  let sum = 0;
  for (const v of byPhase.values()) sum += v;
  return round6(sum);
}

export function energyRegisterWh(samples: Sample[]): number | null {
  return latestTotal(samples, 'Energy.Active.Import.Register', 'Wh');
}

export function activePowerW(samples: Sample[]): number | null {
  return latestTotal(samples, 'Power.Active.Import', 'W');
}

export function sessionEnergy(meterStartWh: number, meterStopWh: number, options?: { maxPlausibleWh?: number }): EnergyCheck {
  if (!Number.isFinite(meterStartWh) || !Number.isFinite(meterStopWh)) return { energyWh: null, flags: ['invalid-meter'] };
  if (meterStopWh < meterStartWh) {
    return { energyWh: null, flags: [meterStopWh < meterStartWh / 2 ? 'meter-reset' : 'negative-energy'] };
  }
  const energyWh = round6(meterStopWh - meterStartWh);
  const max = options?.maxPlausibleWh ?? 1_000_000;
  return { energyWh, flags: energyWh > max ? ['implausible-energy'] : [] };
}
