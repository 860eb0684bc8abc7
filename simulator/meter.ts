import type { StopTransactionRequest } from '../ocpp/generated/v16.js';

/** A MeterValue both MeterValues and StopTransaction.transactionData take (the latter has no unit Hertz). */
export type MeterValue = NonNullable<StopTransactionRequest['transactionData']>[number];
type Context = NonNullable<MeterValue['sampledValue'][number]['context']>;

export interface MeterReading {
  /** The energy register, in Wh. */
  energyWh: number;
  /** Active power drawn now, in W (three phases). */
  powerW: number;
  /** The vehicle's state of charge, in percent. */
  socPercent: number;
  at: Date;
  context?: Context;
}

const VOLTAGE = 230;
const phases = ['L1', 'L2', 'L3'] as const;

/**
 * One MeterValue of 10 sampled values, as a three-phase AC charger reports it: the energy register
 * (Wh), active power (W), current and voltage per phase, the vehicle's SoC and the body temperature.
 */
export function meterValue(reading: MeterReading): MeterValue {
  const context = reading.context ?? 'Sample.Periodic';
  const amps = reading.powerW / (VOLTAGE * phases.length);
  const sampledValue: MeterValue['sampledValue'] = [
    { value: reading.energyWh.toFixed(0), context, measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' },
    { value: reading.powerW.toFixed(0), context, measurand: 'Power.Active.Import', location: 'Outlet', unit: 'W' },
  ];
  for (const phase of phases) {
    sampledValue.push({ value: amps.toFixed(1), context, measurand: 'Current.Import', phase, location: 'Outlet', unit: 'A' });
  }
  for (const phase of phases) {
    sampledValue.push({ value: VOLTAGE.toFixed(1), context, measurand: 'Voltage', phase: `${phase}-N`, location: 'Outlet', unit: 'V' });
  }
  sampledValue.push({ value: reading.socPercent.toFixed(0), context, measurand: 'SoC', location: 'EV', unit: 'Percent' });
  sampledValue.push({ value: '31.5', context, measurand: 'Temperature', location: 'Body', unit: 'Celsius' });
  return { timestamp: reading.at.toISOString(), sampledValue };
}

/** A connector's meter while charging: the register rises at the power drawn. */
export class Meter {
  energyWh: number;
  socPercent: number;
  private lastAt = Date.now();

  constructor(
    public powerW: number,
    energyWh = 0,
    socPercent = 20,
    /** The simulated battery, in Wh, for the SoC. */
    private readonly batteryWh = 60_000,
  ) {
    this.energyWh = energyWh;
    this.socPercent = socPercent;
  }

  /** Advances the register to now and returns the reading. */
  read(context?: Context): MeterReading {
    const now = Date.now();
    const added = (this.powerW * (now - this.lastAt)) / 3_600_000;
    this.lastAt = now;
    this.energyWh += added;
    this.socPercent = Math.min(100, this.socPercent + (100 * added) / this.batteryWh);
    const reading: MeterReading = { energyWh: this.energyWh, powerW: this.powerW, socPercent: this.socPercent, at: new Date(now) };
    if (context) reading.context = context;
    return reading;
  }

  /** Restarts the clock without adding energy (the connector was idle). */
  resume(): void {
    this.lastAt = Date.now();
  }
}
