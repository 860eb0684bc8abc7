import { describe, expect, it } from 'vitest';
import {
  activePowerW,
  energyRegisterWh,
  normaliseMeterValues,
  parseTimestamp,
  sessionEnergy,
  type MeterValue,
  type Sample,
  type SampledValue,
} from './normalise.js';

const T0 = '2025-03-01T10:00:00Z';
const T1 = '2025-03-01T10:01:00Z';

function frame(sampledValue: SampledValue[], timestamp = T0): MeterValue {
  return { timestamp, sampledValue };
}

function one(sv: SampledValue): Sample {
  const { samples, problems } = normaliseMeterValues([frame([sv])]);
  expect(problems).toEqual([]);
  expect(samples).toHaveLength(1);
  return samples[0]!;
}

function sample(partial: Partial<Sample> & { value: number }): Sample {
  return {
    ts: new Date(T0),
    measurand: 'Energy.Active.Import.Register',
    phase: '',
    location: 'Outlet',
    context: 'Sample.Periodic',
    unit: 'Wh',
    ...partial,
  };
}

describe('normaliseMeterValues', () => {
  it('fills the OCPP 1.6 defaults when fields are omitted', () => {
    expect(one({ value: '1234' })).toEqual({
      ts: new Date(T0),
      measurand: 'Energy.Active.Import.Register',
      phase: '',
      location: 'Outlet',
      context: 'Sample.Periodic',
      unit: 'Wh',
      value: 1234,
    });
  });

  it('keeps the fields the charger did send', () => {
    const s = one({ value: '16', measurand: 'Current.Import', phase: 'L2', location: 'Inlet', context: 'Transaction.Begin', unit: 'A' });
    expect(s).toMatchObject({
      measurand: 'Current.Import',
      phase: 'L2',
      location: 'Inlet',
      context: 'Transaction.Begin',
      unit: 'A',
      value: 16,
    });
  });

  it('picks a sensible unit from the measurand when the unit is omitted', () => {
    const unitOf = (measurand: string) => one({ value: '1', measurand }).unit;
    expect(unitOf('Power.Active.Import')).toBe('W');
    expect(unitOf('Power.Reactive.Import')).toBe('var');
    expect(unitOf('Current.Import')).toBe('A');
    expect(unitOf('Voltage')).toBe('V');
    expect(unitOf('SoC')).toBe('Percent');
    expect(unitOf('Temperature')).toBe('Celsius');
    expect(unitOf('Frequency')).toBe('Hz');
    expect(unitOf('Power.Factor')).toBe('');
    expect(unitOf('Energy.Reactive.Import.Register')).toBe('varh');
  });

  it('converts kWh to Wh exactly', () => {
    expect(one({ value: '12.345', unit: 'kWh' }).value).toBe(12345);
    expect(one({ value: '0.1', unit: 'kWh' }).value).toBe(100);
    expect(one({ value: '1.5e3', unit: 'kWh' }).value).toBe(1_500_000);
    expect(one({ value: '1.005', unit: 'kWh' }).value).toBe(1005); // 1.005 * 1000 is 1004.9999999999999 in floats
  });

  it('converts kilo units of power and reactive energy to base units', () => {
    expect(one({ value: '7.4', measurand: 'Power.Active.Import', unit: 'kW' })).toMatchObject({ unit: 'W', value: 7400 });
    expect(one({ value: '2.2', measurand: 'Power.Offered', unit: 'kVA' })).toMatchObject({ unit: 'VA', value: 2200 });
    expect(one({ value: '0.3', measurand: 'Power.Reactive.Import', unit: 'kvar' })).toMatchObject({ unit: 'var', value: 300 });
    expect(one({ value: '1.25', measurand: 'Energy.Reactive.Import.Register', unit: 'kvarh' })).toMatchObject({
      unit: 'varh',
      value: 1250,
    });
  });

  it('converts Kelvin and Fahrenheit to Celsius', () => {
    expect(one({ value: '300', measurand: 'Temperature', unit: 'K' })).toMatchObject({ unit: 'Celsius', value: 26.85 });
    expect(one({ value: '212', measurand: 'Temperature', unit: 'Fahrenheit' })).toMatchObject({ unit: 'Celsius', value: 100 });
    expect(one({ value: '98.6', measurand: 'Temperature', unit: 'Fahrenheit' }).value).toBe(37);
  });

  it('reads the unit Hertz of the 1.6 schema as Hz', () => {
    expect(one({ value: '50.01', measurand: 'Frequency', unit: 'Hertz' })).toMatchObject({ unit: 'Hz', value: 50.01 });
  });

  it('accepts the Celcius spelling of the 1.6 schema', () => {
    expect(one({ value: '41.5', measurand: 'Temperature', unit: 'Celcius' })).toMatchObject({ unit: 'Celsius', value: 41.5 });
  });

  it('accepts decimals with an exponent, a sign and surrounding spaces', () => {
    expect(one({ value: ' 42.5 ' }).value).toBe(42.5);
    expect(one({ value: '1.5e3' }).value).toBe(1500);
    expect(one({ value: '+7' }).value).toBe(7);
    expect(one({ value: '.5', measurand: 'Current.Import' }).value).toBe(0.5);
  });

  it('reads plain decimals (read without a regex) exactly as the general form: signs, bare points, zeros', () => {
    expect(one({ value: '5.' }).value).toBe(5);
    expect(one({ value: '-.25', measurand: 'Current.Import' }).value).toBe(-0.25);
    expect(Object.is(one({ value: '-0' }).value, 0)).toBe(true);
    expect(Object.is(one({ value: '-0.000', unit: 'kWh' }).value, 0)).toBe(true);
    expect(one({ value: '-1.5', measurand: 'Power.Active.Import', unit: 'kW' }).value).toBe(-1500);
    expect(one({ value: '000123.4500' }).value).toBe(123.45);
    expect(one({ value: '7', unit: 'KWH' })).toMatchObject({ unit: 'Wh', value: 7000 });
    const { problems } = normaliseMeterValues([frame(['.', '+', '-', '1.2.3', '5-', '١٢'].map((value) => ({ value })))]);
    expect(problems.map((p) => p.kind)).toEqual([
      'not-a-number',
      'not-a-number',
      'not-a-number',
      'not-a-number',
      'not-a-number',
      'not-a-number',
    ]);
    const long = normaliseMeterValues([frame([{ value: '9'.repeat(400) }])]);
    expect(long.problems.map((p) => p.kind)).toEqual(['non-finite']);
  });

  it('skips SignedData values and says so', () => {
    const { samples, problems } = normaliseMeterValues([
      frame([
        { value: 'MIIBsz...', format: 'SignedData' },
        { value: '10', format: 'Raw' },
      ]),
    ]);
    expect(samples.map((s) => s.value)).toEqual([10]);
    expect(problems).toEqual([expect.objectContaining({ kind: 'signed-data', index: 0 })]);
  });

  it('skips a value that is not a number and keeps the rest of the frame', () => {
    const bad = ['abc', '', '1,5', '0x10', 'NaN', 'Infinity', '1 5'];
    const { samples, problems } = normaliseMeterValues([frame([...bad.map((value) => ({ value })), { value: '99', measurand: 'SoC' }])]);
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ measurand: 'SoC', value: 99 });
    expect(problems.map((p) => p.kind)).toEqual(bad.map(() => 'not-a-number'));
    expect(problems[2]!.detail).toContain('sampledValue[2]');
  });

  it('reports an overflowing value as non-finite', () => {
    const { samples, problems } = normaliseMeterValues([frame([{ value: '1e400' }])]);
    expect(samples).toEqual([]);
    expect(problems.map((p) => p.kind)).toEqual(['non-finite']);
  });

  it('skips a frame with an unparseable timestamp and keeps the other frames', () => {
    const { samples, problems } = normaliseMeterValues([
      frame([{ value: '1' }], 'yesterday'),
      frame([{ value: '2' }], '2025-02-30T10:00:00Z'),
      frame([{ value: '3' }], T1),
    ]);
    expect(samples.map((s) => s.value)).toEqual([3]);
    expect(problems.map((p) => [p.kind, p.index])).toEqual([
      ['bad-timestamp', 0],
      ['bad-timestamp', 1],
    ]);
  });

  it('keeps a negative energy register reading but flags it', () => {
    const { samples, problems } = normaliseMeterValues([
      frame([
        { value: '-5', unit: 'kWh' },
        { value: '-3', measurand: 'Current.Export' },
      ]),
    ]);
    expect(samples.map((s) => s.value)).toEqual([-5000, -3]);
    expect(problems).toEqual([expect.objectContaining({ kind: 'negative-energy', index: 0 })]);
  });

  it('never throws on garbage input', () => {
    const garbage = [null, { timestamp: T0 }, { timestamp: T0, sampledValue: [null, { value: 5 }] }] as unknown as MeterValue[];
    const { samples, problems } = normaliseMeterValues(garbage);
    expect(samples.map((s) => s.value)).toEqual([5]);
    expect(problems.map((p) => p.kind)).toEqual(['bad-timestamp', 'not-a-number']);
    expect(normaliseMeterValues(undefined as unknown as MeterValue[])).toEqual({ samples: [], problems: [] });
  });
});

describe('parseTimestamp', () => {
  it('reads offsets and treats a missing zone as UTC', () => {
    expect(parseTimestamp('2025-03-01T11:00:00+01:00')?.toISOString()).toBe('2025-03-01T10:00:00.000Z');
    expect(parseTimestamp('2025-03-01T10:00:00.250')?.toISOString()).toBe('2025-03-01T10:00:00.250Z');
    expect(parseTimestamp('2025')).toBeNull();
  });
});

describe('energyRegisterWh', () => {
  it('returns the latest total register, last one winning on a tie', () => {
    const samples = [sample({ value: 500, ts: new Date(T1) }), sample({ value: 100 }), sample({ value: 600, ts: new Date(T1) })];
    expect(energyRegisterWh(samples)).toBe(600);
  });

  it('sums the phases at the latest timestamp when there is no total', () => {
    const samples = [
      sample({ phase: 'L1', value: 1 }),
      sample({ phase: 'L1', value: 10, ts: new Date(T1) }),
      sample({ phase: 'L2', value: 20, ts: new Date(T1) }),
      sample({ phase: 'L3', value: 30, ts: new Date(T1) }),
    ];
    expect(energyRegisterWh(samples)).toBe(60);
  });

  it('prefers a total over per-phase values and ignores other measurands', () => {
    const samples = [
      sample({ value: 42 }),
      sample({ phase: 'L1', value: 7, ts: new Date(T1) }),
      sample({ measurand: 'Energy.Active.Export.Register', value: 999, ts: new Date(T1) }),
    ];
    expect(energyRegisterWh(samples)).toBe(42);
  });

  it('returns null when there is no register', () => {
    expect(energyRegisterWh([sample({ measurand: 'SoC', unit: 'Percent', value: 50 })])).toBeNull();
  });
});

describe('activePowerW', () => {
  const power = (partial: Partial<Sample> & { value: number }) => sample({ measurand: 'Power.Active.Import', unit: 'W', ...partial });

  it('returns the latest total active power', () => {
    expect(activePowerW([power({ value: 7000, ts: new Date(T1) }), power({ value: 3000 })])).toBe(7000);
  });

  it('sums the phases at the latest timestamp', () => {
    const samples = [
      power({ phase: 'L1-N', value: 2300, ts: new Date(T1) }),
      power({ phase: 'L2-N', value: 2400, ts: new Date(T1) }),
      power({ phase: 'L3', value: 9999 }),
    ];
    expect(activePowerW(samples)).toBe(4700);
  });

  it('returns null when no active power was sampled', () => {
    expect(activePowerW([sample({ value: 1 })])).toBeNull();
  });
});

describe('sessionEnergy', () => {
  it('is stop minus start', () => {
    expect(sessionEnergy(1000, 13_345)).toEqual({ energyWh: 12_345, flags: [] });
  });

  it('accepts zero energy', () => {
    expect(sessionEnergy(5000, 5000)).toEqual({ energyWh: 0, flags: [] });
  });

  it('flags a slightly lower stop reading as negative energy', () => {
    expect(sessionEnergy(10_000, 9_990)).toEqual({ energyWh: null, flags: ['negative-energy'] });
  });

  it('flags a stop reading far below the start as a meter reset', () => {
    expect(sessionEnergy(99_999_000, 1_200)).toEqual({ energyWh: null, flags: ['meter-reset'] });
  });

  it('keeps implausibly large energy but flags it', () => {
    expect(sessionEnergy(0, 1_500_000)).toEqual({ energyWh: 1_500_000, flags: ['implausible-energy'] });
    expect(sessionEnergy(0, 60_000, { maxPlausibleWh: 50_000 }).flags).toEqual(['implausible-energy']);
    expect(sessionEnergy(0, 1_000_000).flags).toEqual([]);
  });

  it('refuses meter readings that are not finite numbers', () => {
    expect(sessionEnergy(Number.NaN, 10)).toEqual({ energyWh: null, flags: ['invalid-meter'] });
  });
});
