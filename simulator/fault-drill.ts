/**
 * A fault on a schedule, so that a demo or a test sees an alert come and go: one connector goes Faulted
 * `firstMs` after the fleet starts, for `forMs`, and again every `everyMs`.
 */
export interface FaultDrill {
  firstMs: number;
  forMs: number;
  everyMs: number;
}

/** Whether the drill's connector is to be faulted `elapsedMs` after the fleet started. Pure. */
export function drillFaulted(drill: FaultDrill, elapsedMs: number): boolean {
  const since = elapsedMs - drill.firstMs;
  return since >= 0 && since % Math.max(drill.everyMs, drill.forMs + 1) < drill.forMs;
}

/** Reads `--fault-drill FIRST:FOR:EVERY` (seconds), or null when it is not three numbers. */
export function parseFaultDrill(text: string): FaultDrill | null {
  const parts = text.split(':').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n) || n < 0)) return null;
  const [first, forS, every] = parts as [number, number, number];
  if (forS <= 0 || every < forS) return null;
  return { firstMs: first * 1000, forMs: forS * 1000, everyMs: every * 1000 };
}
