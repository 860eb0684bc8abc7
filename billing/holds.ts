/** Session flags that mean its readings cannot be billed as they are: held for an operator to review. */
const holdingFlags: Record<string, string> = {
  'invalid-meter': 'the station sent a meter reading out of any sane range',
  'negative-energy': 'the meter stop is below the meter start',
  'meter-reset': 'the meter was reset during the session',
  'implausible-energy': 'more energy than a session can plausibly deliver',
  'stop-lost': 'the station never sent the stop: the energy is the last reading evcms had',
  'not-authorised': 'the credential was not accepted when the session started',
};

/** Why a session must not be billed blindly, or null when nothing stops it. Pure. */
export function holdReason(session: { flags: string[]; startedAt: Date; stoppedAt: Date | null; energyWh: number | null }): string | null {
  for (const flag of session.flags) if (holdingFlags[flag]) return `${flag}: ${holdingFlags[flag]}`;
  if (session.stoppedAt && session.stoppedAt.getTime() < session.startedAt.getTime())
    return 'clock: the station stamped the stop before the start';
  if (session.energyWh === null) return 'no-energy: the session has no energy figure to bill';
  return null;
}
