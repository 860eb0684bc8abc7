import { demo } from '../system/demo.js';
import { type ErrorCode, SimulatedCharger } from './charger.js';
import { drillFaulted, type FaultDrill } from './fault-drill.js';
import { answerMaintenanceCalls } from './maintenance-calls.js';

export interface FleetOptions {
  url: string;
  stations: number;
  /** Identities are PREFIX001, PREFIX002, ... */
  prefix: string;
  /** The same password for every station; unset: the demo's password for a demo identity, else none. */
  password?: string | undefined;
  connectors: number;
  meterIntervalMs: number;
  powerW: number;
  /** Start and stop sessions at random, with these idTags. */
  sessions: boolean;
  idTags: string[];
  /** How long a session lasts, on average. */
  sessionMs: number;
  /** Random faults and reconnects. */
  chaos: boolean;
  /** The chance that a diagnostics upload or a firmware update fails (0 to 1; default 0.1). */
  maintenanceFailureRate?: number;
  /** The last connector of the last charger faults on this schedule (simulator/fault-drill.ts). */
  faultDrill?: FaultDrill | undefined;
  log: (message: string) => void;
}

const faults: Exclude<ErrorCode, 'NoError'>[] = [
  'GroundFailure',
  'OverCurrentFailure',
  'PowerMeterFailure',
  'ConnectorLockFailure',
  'OtherError',
];
const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(Math.random() * list.length)];

export const fleetIdentity = (prefix: string, n: number) => `${prefix}${String(n).padStart(3, '0')}`;

/** The password a fleet station connects with. */
export function fleetPassword(identity: string, password: string | undefined): string | undefined {
  return password ?? [...demo.stations, demo.spare].find((s) => s.identity === identity)?.password;
}

/**
 * Many simulated chargers against one CSMS. Once a second each charger gets a chance to start a
 * session (with an idTag no other fleet session uses), to end one that ran its course and, with
 * chaos, to fault a connector (cleared some seconds later) or to drop and redial its socket.
 */
export class Fleet {
  readonly chargers: SimulatedCharger[];
  private readonly busy = new Map<SimulatedCharger, Promise<void>>();
  private readonly endsAt = new Map<string, number>();
  private readonly faultedUntil = new Map<string, number>();
  /** idTags of sessions being started now. */
  private readonly starting = new Set<string>();
  private ticker: NodeJS.Timeout | null = null;
  private startedAt = Date.now();

  constructor(private readonly options: FleetOptions) {
    this.chargers = Array.from({ length: options.stations }, (_, i) => {
      const identity = fleetIdentity(options.prefix, i + 1);
      const charger = new SimulatedCharger({
        url: options.url,
        identity,
        password: fleetPassword(identity, options.password),
        connectors: options.connectors,
        meterIntervalMs: options.meterIntervalMs,
        powerW: options.powerW,
        initialEnergyWh: Math.round(Math.random() * 5_000_000),
        reconnectMs: 2000,
        log: options.log,
      });
      answerMaintenanceCalls(charger, { failureRate: options.maintenanceFailureRate ?? 0.1 });
      return charger;
    });
  }

  /** Connects and boots every charger, 50 at a time; returns how many came up. */
  async start(): Promise<number> {
    let up = 0;
    for (let i = 0; i < this.chargers.length; i += 50) {
      const batch = this.chargers.slice(i, i + 50);
      const results = await Promise.allSettled(batch.map((c) => c.start()));
      results.forEach((r, j) => {
        if (r.status === 'fulfilled') up++;
        else this.options.log(`${batch[j]?.identity}: could not start: ${(r.reason as Error).message}`);
      });
    }
    this.startedAt = Date.now();
    this.ticker = setInterval(() => this.tick(), 1000);
    return up;
  }

  /** Ends open sessions (StopTransaction), then closes every socket. */
  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    await Promise.allSettled(this.busy.values());
    await Promise.allSettled(this.chargers.map((c) => c.stop(true)));
  }

  summary(): string {
    const connectors = this.chargers.flatMap((c) => c.connectors);
    const online = this.chargers.filter((c) => c.client.open).length;
    const count = (status: string) => connectors.filter((c) => c.status === status).length;
    const sent = this.chargers.reduce((n, c) => n + c.stats.meterValues, 0);
    const errors = this.chargers.reduce((n, c) => n + c.stats.errors, 0);
    return `${online}/${this.chargers.length} online, ${count('Charging')} charging, ${count('Faulted')} faulted; ${sent} MeterValues sent, ${errors} errors`;
  }

  private tick(): void {
    const now = Date.now();
    for (const charger of this.chargers) {
      if (this.busy.has(charger) || !charger.client.open || charger.registration !== 'Accepted') continue;
      const step = this.nextStep(charger, now);
      if (!step) continue;
      const running = step()
        .catch((error: Error) => charger.fail(error))
        .finally(() => this.busy.delete(charger));
      this.busy.set(charger, running);
    }
  }

  /** At most one thing per charger per tick, so its calls stay in a sensible order. */
  private nextStep(charger: SimulatedCharger, now: number): (() => Promise<void>) | null {
    const { options } = this;
    if (options.chaos && Math.random() < 0.002) return () => charger.reconnect();
    const drill = this.drillStep(charger, now);
    if (drill) return drill;
    for (const c of charger.connectors) {
      const key = `${charger.identity}#${c.id}`;
      if (c.status === 'Faulted' && (this.faultedUntil.get(key) ?? 0) <= now && !this.isDrilled(charger, c.id)) {
        this.faultedUntil.delete(key);
        return () => charger.clearFault(c.id);
      }
      if (options.chaos && c.status !== 'Faulted' && Math.random() < 0.001) {
        this.faultedUntil.set(key, now + 5000 + Math.random() * 10_000);
        this.endsAt.delete(key);
        return () => charger.fault(c.id, pick(faults));
      }
      // Sessions the fleet started end on their own; remote starts run until a remote stop.
      const endsAt = this.endsAt.get(key);
      if (c.transactionId !== null && endsAt !== undefined && endsAt <= now) {
        this.endsAt.delete(key);
        return () => charger.stopSession(c.id, 'Local');
      }
      if (options.sessions && c.status === 'Available' && c.transactionId === null && Math.random() < 0.05) {
        const inUse = new Set([...this.starting, ...this.chargers.flatMap((x) => x.connectors.map((y) => y.idTag))]);
        const idTag = pick(options.idTags.filter((t) => !inUse.has(t)));
        if (!idTag) continue;
        this.endsAt.set(key, now + options.sessionMs * (0.5 + Math.random()));
        this.starting.add(idTag);
        return async () => {
          try {
            await charger.startSession(c.id, idTag);
          } catch (error) {
            this.endsAt.delete(key);
            throw error;
          } finally {
            this.starting.delete(idTag);
          }
        };
      }
    }
    return null;
  }

  private isDrilled(charger: SimulatedCharger, connectorId: number): boolean {
    return this.options.faultDrill !== undefined && charger === this.chargers.at(-1) && connectorId === charger.connectors.at(-1)?.id;
  }

  /** The fault drill's step for its connector: fault it when its time comes (a session on it ends first), clear it after. */
  private drillStep(charger: SimulatedCharger, now: number): (() => Promise<void>) | null {
    const { faultDrill } = this.options;
    const connector = charger.connectors.at(-1);
    if (!faultDrill || !connector || !this.isDrilled(charger, connector.id)) return null;
    const faulted = drillFaulted(faultDrill, now - this.startedAt);
    if (faulted && connector.status !== 'Faulted') {
      this.endsAt.delete(`${charger.identity}#${connector.id}`);
      return () => charger.fault(connector.id, 'ConnectorLockFailure');
    }
    if (!faulted && connector.status === 'Faulted') return () => charger.clearFault(connector.id);
    return null;
  }
}
