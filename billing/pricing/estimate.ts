import type { PricedSession, SessionTimeline, TariffDefinition } from '../tariff-model.js';
import { priceSession } from './price-session.js';

export interface EstimateInput {
  startAt: Date;
  energyWh: number;
  durationMinutes: number;
  /** Constant charging power; absent: the average power that delivers `energyWh` in `durationMinutes`. */
  powerW?: number;
  timeZone: string;
}

/** A session that charges all along at constant power, as the driver app imagines one before it starts. */
export function estimatedTimeline(input: EstimateInput): SessionTimeline {
  const stoppedAt = new Date(input.startAt.getTime() + input.durationMinutes * 60_000);
  const hours = input.durationMinutes / 60;
  const powerW = input.powerW ?? (hours > 0 ? input.energyWh / hours : 0);
  return {
    startedAt: input.startAt,
    stoppedAt,
    timeZone: input.timeZone,
    readings: [
      { at: input.startAt, energyWh: 0, powerW },
      { at: stoppedAt, energyWh: input.energyWh, powerW },
    ],
    charging: null,
  };
}

/** "This will cost about X": priceSession on an estimated timeline. */
export function estimatePrice(tariff: TariffDefinition, input: EstimateInput): PricedSession {
  return priceSession(tariff, estimatedTimeline(input));
}
