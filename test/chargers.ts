import { RPCClient } from 'ocpp-rpc';
import type { TestSystem } from './system.js';
import { officialViolations } from './official-schemas.js';

export interface TestCharger {
  client: InstanceType<typeof RPCClient>;
  identity: string;
  /** Every payload evcms sent that the official OCPP 1.6 schemas refuse (expected to stay empty). */
  violations: string[];
  call<T = Record<string, unknown>>(action: string, payload?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

let counter = 0;
/** A unique station identity for one test. */
export const anIdentity = (label = 'CP') => `${label}-${process.pid}-${++counter}`;

/** Creates a station in evcms and returns its identity and password. */
export async function aStation(system: TestSystem, overrides: { identity?: string; securityProfile?: 0 | 1 | 2 } = {}) {
  const identity = overrides.identity ?? anIdentity();
  const created = await system.deps.stations.create({ identity, securityProfile: overrides.securityProfile });
  return { identity, password: created.ocppPassword, id: created.station.id };
}

/**
 * Connects a charger with ocpp-rpc, an OCPP client evcms did not write, in strict mode: it refuses
 * any response or call from evcms that does not fit its schemas. On top, everything evcms sends is
 * checked against the official OCPP 1.6 schemas and collected in `violations`.
 */
export async function connectCharger(
  system: TestSystem,
  station: { identity: string; password: string | null },
  options: { handlers?: Record<string, (params: Record<string, unknown>) => unknown>; protocols?: string[] } = {},
): Promise<TestCharger> {
  const client = new RPCClient({
    endpoint: system.ocppUrl.replace(/\/$/, ''),
    identity: station.identity,
    password: station.password ?? undefined,
    protocols: options.protocols ?? ['ocpp1.6'],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 10_000,
  } as ConstructorParameters<typeof RPCClient>[0]);
  const violations: string[] = [];
  const pending = new Map<string, string>();
  client.on('message', ({ message, outbound }: { message: string; outbound: boolean }) => {
    // A failure here (a frame that is not JSON, the official schemas missing) is a violation to report,
    // never an exception inside the client's event loop, which would leave its call unanswered.
    try {
      const frame = JSON.parse(String(message)) as unknown[];
      if (outbound && frame[0] === 2) pending.set(String(frame[1]), String(frame[2]));
      if (outbound) return;
      if (frame[0] === 2) violations.push(...officialViolations(String(frame[2]), 'request', frame[3]));
      if (frame[0] === 3) {
        const action = pending.get(String(frame[1]));
        if (action) violations.push(...officialViolations(action, 'response', frame[2]));
      }
    } catch (error) {
      violations.push(`could not check a frame against the official schemas: ${(error as Error).message}`);
    }
  });
  for (const [action, handler] of Object.entries(options.handlers ?? {})) {
    client.handle(action, async ({ params }) => (await handler(params ?? {})) as Record<string, unknown>);
  }
  await client.connect();
  return {
    client,
    identity: station.identity,
    violations,
    call: <T>(action: string, payload: Record<string, unknown> = {}) => client.call(action, payload) as Promise<T>,
    close: async () => {
      await client.close({ force: true });
    },
  };
}

export const bootPayload = (overrides: Record<string, unknown> = {}) => ({
  chargePointVendor: 'Acme',
  chargePointModel: 'Volt 22',
  chargePointSerialNumber: 'ACME-0001',
  firmwareVersion: '1.2.3',
  ...overrides,
});
