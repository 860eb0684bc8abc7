/** What makes a condition an alert, per organisation; each has a default and a range it is checked against. */
export interface AlertThresholds {
  /** A station not heard from for this long while offline. */
  offlineMinutes: number;
  /** This many boots within bootLoopMinutes. */
  bootLoopBoots: number;
  bootLoopMinutes: number;
  /** An open session at an online station with no meter value for this long. */
  sessionSilentMinutes: number;
  /** A session open for longer than this. */
  sessionMaxHours: number;
  /** The station's clock this far from evcms's, in seconds, on its latest status. */
  clockSkewSeconds: number;
  /** This many sessions that delivered nothing and ended within a minute, within failedStartsMinutes. */
  failedStarts: number;
  failedStartsMinutes: number;
  /** An Authorize accepted with no StartTransaction of its idTag this long after counts as a failed start. */
  startTimeoutMinutes: number;
  /** Power above the model's rated power (its baseline's maxPowerW) by more than this share, in percent. */
  powerMarginPercent: number;
  /** How long after its session ended an energy register that went wrong stays an alert. */
  meterAnomalyMinutes: number;
}

export const defaultThresholds: AlertThresholds = {
  offlineMinutes: 5,
  bootLoopBoots: 5,
  bootLoopMinutes: 15,
  sessionSilentMinutes: 30,
  sessionMaxHours: 24,
  clockSkewSeconds: 300,
  failedStarts: 3,
  failedStartsMinutes: 30,
  startTimeoutMinutes: 2,
  powerMarginPercent: 10,
  meterAnomalyMinutes: 60,
};

const ranges: Record<keyof AlertThresholds, [number, number]> = {
  offlineMinutes: [1, 10_080],
  bootLoopBoots: [2, 1000],
  bootLoopMinutes: [1, 1440],
  sessionSilentMinutes: [1, 10_080],
  sessionMaxHours: [1, 720],
  clockSkewSeconds: [5, 86_400],
  failedStarts: [2, 100],
  failedStartsMinutes: [5, 1440],
  startTimeoutMinutes: [1, 120],
  powerMarginPercent: [0, 100],
  meterAnomalyMinutes: [5, 1440],
};

export class AlertSettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Checks thresholds given (whole numbers within their range) and returns them; absent ones keep their default. */
export function checkThresholds(given: Partial<Record<string, unknown>>): Partial<AlertThresholds> {
  const checked: Partial<AlertThresholds> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined || value === null) continue;
    const range = ranges[name as keyof AlertThresholds];
    if (!range) throw new AlertSettingsError(`thresholds.${name}`, 'unknown threshold');
    const [min, max] = range;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw new AlertSettingsError(`thresholds.${name}`, `expected a whole number from ${min} to ${max}`);
    checked[name as keyof AlertThresholds] = value;
  }
  return checked;
}

const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** On-call addresses: at most 20, each an address, without duplicates. */
export function checkEmails(emails: string[]): string[] {
  if (emails.length > 20) throw new AlertSettingsError('emails', 'expected at most 20 addresses');
  const bad = emails.find((e) => e.length > 254 || !email.test(e));
  if (bad !== undefined) throw new AlertSettingsError('emails', `expected email addresses, not "${bad.slice(0, 64)}"`);
  return [...new Set(emails.map((e) => e.trim().toLowerCase()))];
}

/** The thresholds in force: the organisation's where set, the defaults elsewhere. */
export const thresholdsOf = (stored: Partial<AlertThresholds> | null | undefined): AlertThresholds => ({
  ...defaultThresholds,
  ...(stored ?? {}),
});
